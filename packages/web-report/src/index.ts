// @quantproof/web-report has no public API yet.
export {};
