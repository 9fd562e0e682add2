// Errors a user of @quantproof/testing can cause, each with a message that says what to do.

/** The base class of every error this package throws for a bad argument or file. */
export class TestingError extends Error {
  override readonly name: string = 'TestingError';
}

/** A box, budget or option the matchers, arbitraries or baselines cannot use. */
export class TestingOptionsError extends TestingError {
  override readonly name: string = 'TestingOptionsError';
}

/** Model bytes that are not an ONNX model of the kind expected (FP32 or int8). */
export class ModelInputError extends TestingError {
  override readonly name: string = 'ModelInputError';
}

/** A baseline document that is not one `serializeBaseline` wrote. */
export class BaselineFormatError extends TestingError {
  override readonly name: string = 'BaselineFormatError';
}
