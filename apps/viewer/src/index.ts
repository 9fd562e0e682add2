// @quantproof/viewer has no public API yet.
export {};
