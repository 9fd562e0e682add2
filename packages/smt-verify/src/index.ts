// @quantproof/smt-verify has no public API yet.
export {};
