// The published JSON Schemas of the run-directory files (schemas/*.schema.json) are generated from
// the zod schemas; this test fails when they are stale. Regenerate: pnpm --filter @quantproof/web-report schemas
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  mapsJsonSchema,
  metricsJsonSchema,
  REPORT_SCHEMA_VERSION,
  runJsonSchema,
  verifyJsonSchema,
} from '../src/index.js';

const SCHEMAS = {
  run: [runJsonSchema, 'The seed, training run and curve, versions, CPU and timings of a study.'],
  metrics: [
    metricsJsonSchema,
    'The comparison table: one row per variant (FP32 first), and the quantiser warnings.',
  ],
  verify: [
    verifyJsonSchema,
    'The region verification of every int8 variant over the operating box.',
  ],
  maps: [
    mapsJsonSchema,
    'Decision maps on 2-D slices of the operating box, and weight histograms.',
  ],
} as const;

describe('published JSON Schemas', () => {
  for (const [name, [schema, description]] of Object.entries(SCHEMAS)) {
    it(`schemas/${name}.schema.json is up to date`, async () => {
      const json = {
        title: `quantproof ${name}.json (schema version ${REPORT_SCHEMA_VERSION})`,
        description,
        ...z.toJSONSchema(schema, { io: 'input' }),
      };
      // Written as prettier writes it, so `pnpm format-check` and this test agree.
      const path = fileURLToPath(new URL(`../schemas/${name}.schema.json`, import.meta.url));
      const text = await format(JSON.stringify(json, null, 2), {
        ...(await resolveConfig(path)),
        parser: 'json',
      });
      await expect(text).toMatchFileSnapshot(path);
    });
  }
});
