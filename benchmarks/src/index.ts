// @quantproof/benchmarks has no public API yet.
export {};
