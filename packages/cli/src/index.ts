// @quantproof/cli has no public API yet.
export {};
