// @quantproof/env has no public API yet.
export {};
