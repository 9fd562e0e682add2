// Errors a caller of @quantproof/web-report can cause with a bad run directory.

/** One problem in a run file: where (a JSON path like `$.variants[2].reward.mean`) and what. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

/** Base class of every error `@quantproof/web-report` throws for a bad input. */
export class WebReportError extends Error {
  override readonly name: string = 'WebReportError';
}

/**
 * A run file does not match its schema (or contradicts another file of the run): names the file,
 * the JSON path and what was expected, e.g.
 * `metrics.json: $.variants[1].latencyBatch1.p50: expected number, received string`.
 */
export class ReportSchemaError extends WebReportError {
  override readonly name: string = 'ReportSchemaError';
  /** The run file at fault: `run.json`, `metrics.json`, `verify.json` or `maps.json`. */
  readonly file: string;
  /** Every problem found, in document order. */
  readonly issues: readonly SchemaIssue[];

  constructor(file: string, issues: readonly SchemaIssue[]) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(
      first === undefined
        ? `${file} is not a valid quantproof run file`
        : `${file}: ${first.path}: ${first.message}${more}`,
    );
    this.file = file;
    this.issues = issues;
  }
}
