// Validates the JSON files of a run directory against their schemas and checks they fit together.

import type { z } from 'zod';
import { ReportSchemaError, type SchemaIssue } from '../errors.js';
import { type MapsJson, mapsJsonSchema } from './maps.js';
import { type MetricsJson, metricsJsonSchema } from './metrics.js';
import { type RunJson, runJsonSchema } from './run.js';
import { type VerifyJson, verifyJsonSchema } from './verify.js';

/** The parsed (not yet validated) JSON documents of a run directory. */
export interface RunFiles {
  /** run.json */
  readonly runJson: unknown;
  /** metrics.json */
  readonly metricsJson: unknown;
  /** verify.json */
  readonly verifyJson: unknown;
  /** maps.json; absent or undefined for a run without it (the report then has no decision boundaries). */
  readonly mapsJson?: unknown;
}

/** A validated run: every file typed, `maps` null where maps.json was not given. */
export interface Run {
  readonly run: RunJson;
  readonly metrics: MetricsJson;
  readonly verify: VerifyJson;
  readonly maps: MapsJson | null;
}

/** `$.variants[2].reward.mean` from zod's path. */
function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Validates one file's document against `schema`; throws `ReportSchemaError` naming `file`. */
export function parseRunFile<T>(file: string, schema: z.ZodType<T>, value: unknown): T {
  if (value === undefined || value === null || typeof value !== 'object') {
    throw new ReportSchemaError(file, [
      {
        path: '$',
        message: `expected a JSON object, got ${value === null ? 'null' : typeof value}`,
      },
    ]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: SchemaIssue[] = result.error.issues.map((issue) => ({
    path: jsonPath(issue.path),
    message: issue.message,
  }));
  throw new ReportSchemaError(file, issues);
}

/**
 * Validates the files of a run directory (schema version `REPORT_SCHEMA_VERSION`) and checks that they describe the same
 * run: the same seed, and verification and maps only for variants that metrics.json lists.
 * Throws `ReportSchemaError` naming the file and JSON path of the first problem.
 */
export function parseRun(files: RunFiles): Run {
  const run = parseRunFile('run.json', runJsonSchema, files.runJson);
  const metrics = parseRunFile('metrics.json', metricsJsonSchema, files.metricsJson);
  const verify = parseRunFile('verify.json', verifyJsonSchema, files.verifyJson);
  const maps =
    files.mapsJson === undefined ? null : parseRunFile('maps.json', mapsJsonSchema, files.mapsJson);
  if (metrics.seed !== run.seed) {
    throw new ReportSchemaError('metrics.json', [
      {
        path: '$.seed',
        message: `seed ${metrics.seed} differs from run.json's ${run.seed}: the files come from different runs`,
      },
    ]);
  }
  const names = new Set(metrics.variants.map((v) => v.name));
  const unknownName = (file: string, path: string, name: string): ReportSchemaError =>
    new ReportSchemaError(file, [
      {
        path,
        message: `variant "${name}" is not in metrics.json (${[...names].join(', ')}): the files come from different runs`,
      },
    ]);
  verify.variants.forEach((v, i) => {
    if (!names.has(v.variant))
      throw unknownName('verify.json', `$.variants[${i}].variant`, v.variant);
  });
  if (maps !== null) {
    maps.slices.forEach((slice, s) =>
      slice.positions.forEach((p, i) => {
        for (const name of Object.keys(p.int8)) {
          if (!names.has(name)) {
            throw unknownName('maps.json', `$.slices[${s}].positions[${i}].int8`, name);
          }
        }
      }),
    );
    maps.histograms.forEach((h, i) => {
      if (!names.has(h.variant))
        throw unknownName('maps.json', `$.histograms[${i}].variant`, h.variant);
    });
  }
  return { run, metrics, verify, maps };
}
