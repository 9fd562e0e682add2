// @quantproof/interval has no public API yet.
export {};
