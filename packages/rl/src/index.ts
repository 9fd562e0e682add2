// @quantproof/rl has no public API yet.
export {};
