// Pieces the run-file schemas share: the schema version and the numbers JSON can carry.

import { z } from 'zod';

/** The version of the run-directory files this package reads and the cli writes. */
export const REPORT_SCHEMA_VERSION = 1;

/** `schemaVersion: 1`, with an error that says what to do about another version. */
export const schemaVersionSchema: z.ZodType<1> = z.literal(REPORT_SCHEMA_VERSION, {
  error: (issue) =>
    `schemaVersion ${JSON.stringify(issue.input)} is not supported: this report reads schema version ${REPORT_SCHEMA_VERSION} (re-run the study with this quantproof version)`,
});

/** A finite number (JSON has no NaN or infinity: `JSON.stringify` writes them as null). */
export const finite: z.ZodNumber = z.number();

/** A number the writer may have had as NaN or ±Infinity, which JSON stores as null. */
export const finiteOrNull: z.ZodNullable<z.ZodNumber> = z.number().nullable();

/** A count: a non-negative integer. */
export const count: z.ZodNumber = z.number().int().nonnegative();

/** A fraction in [0, 1]. */
export const fraction: z.ZodNumber = z.number().min(0).max(1);

/** An axis-aligned box as lower and upper bound vectors. */
export interface BoxJson {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

/** Schema of `BoxJson`. */
export const boxSchema: z.ZodType<BoxJson> = z.object({
  lower: z.array(finite).min(1),
  upper: z.array(finite).min(1),
});

/** `{ lower, upper }`: an exact value known to lie in this closed interval. */
export interface BracketJson {
  readonly lower: number;
  readonly upper: number;
  /** upper ≤ 1.01 · lower was reached within the budget (absent in older files). */
  readonly certified?: boolean | undefined;
}

/** Schema of `BracketJson`. */
export const bracketSchema: z.ZodType<BracketJson> = z.object({
  lower: finite,
  upper: finite,
  certified: z.boolean().optional(),
});
