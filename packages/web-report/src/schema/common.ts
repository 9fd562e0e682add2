// Pieces the run-file schemas share: the schema version and the numbers JSON can carry.

import { z } from 'zod';

/**
 * The version of the run-directory files this package reads and the cli writes: one version for
 * every file of a run directory (they are written together). Version 2: verify.json's leaves are
 * agree / disagree / mixed / open and it brackets the disagreeing volume (README, "Schema version 2").
 */
export const REPORT_SCHEMA_VERSION = 2;

/** The `schemaVersion` every run file carries. */
export type ReportSchemaVersion = typeof REPORT_SCHEMA_VERSION;

/** Why a file of another schema version cannot be read, and what to do: re-run, not convert. */
function versionMessage(input: unknown): string {
  const why =
    typeof input === 'number' && input < REPORT_SCHEMA_VERSION
      ? 'an older quantproof wrote it, and its verification (consistent / inconsistent / unknown leaves) cannot be converted to agree / disagree / mixed / open leaves; '
      : '';
  return `schemaVersion ${JSON.stringify(input)} is not supported: this report reads schema version ${REPORT_SCHEMA_VERSION} (${why}re-run the study with this quantproof version)`;
}

/** `schemaVersion: 2`, with an error that says what to do about another version. */
export const schemaVersionSchema: z.ZodType<ReportSchemaVersion> = z.literal(
  REPORT_SCHEMA_VERSION,
  { error: (issue) => versionMessage(issue.input) },
);

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
  /** null: no finite upper bound was established (+∞, which JSON cannot hold). */
  readonly upper: number | null;
  /** upper ≤ 1.01 · lower was reached within the budget (absent in older files). */
  readonly certified?: boolean | undefined;
}

/** Schema of `BracketJson`. */
export const bracketSchema: z.ZodType<BracketJson> = z.object({
  lower: finite,
  upper: finiteOrNull,
  certified: z.boolean().optional(),
});
