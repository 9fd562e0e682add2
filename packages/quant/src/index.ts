// @quantproof/quant has no public API yet.
export {};
