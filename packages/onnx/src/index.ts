// @quantproof/onnx has no public API yet.
export {};
