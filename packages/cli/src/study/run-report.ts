// A run directory read back and rendered: its JSON files validated against web-report's schemas
// (maps.json computed from the models where it is missing) and its report.html written.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type MapsJson,
  mapsJsonSchema,
  metricsJsonSchema,
  parseRun,
  parseRunFile,
  renderReport,
  ReportSchemaError,
  type Run,
} from '@quantproof/web-report';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { decisionMaps, type MappedVariant } from './decision-maps.js';
import { loadFp32, loadModel } from './load-model.js';

/** Reads and parses one JSON file of a run directory; undefined if it is absent and `optional`. */
async function readJson(dir: string, file: string, optional = false): Promise<unknown> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    throw new InputError(
      code === 'ENOENT'
        ? `${path} does not exist: --run must be a run directory written by quantproof run`
        : `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** A schema error as an input error that names the file's path in the run directory. */
function schemaError(dir: string, error: unknown): unknown {
  return error instanceof ReportSchemaError
    ? new InputError(`${join(dir, error.file)}${error.message.slice(error.file.length)}`)
    : error;
}

/**
 * maps.json for a run directory that lacks it, computed from its models/*.onnx (the FP32 policy
 * and every int8 variant metrics.json lists).
 */
export async function mapsFromModels(dir: string, metricsJson: unknown): Promise<MapsJson> {
  const metrics = parseRunFile('metrics.json', metricsJsonSchema, metricsJson);
  const { mlp: fp32 } = await loadFp32(join(dir, 'models', 'fp32.onnx'), 'run directory');
  const variants: MappedVariant[] = [];
  for (const v of metrics.variants) {
    if (v.kind !== 'int8') continue;
    const loaded = await loadModel(join(dir, 'models', `${v.name}.onnx`), 'run directory');
    if (loaded.kind !== 'int8') {
      throw new InputError(`${join(dir, 'models', `${v.name}.onnx`)} is not an int8 model`);
    }
    variants.push({ name: v.name, model: loaded.model });
  }
  return decisionMaps(fp32, variants);
}

/**
 * Reads and validates a run directory (run.json, metrics.json, verify.json, maps.json). A missing
 * maps.json is computed from the models and written. Bad files become `InputError`s naming them.
 */
export async function readRunDirectory(dir: string): Promise<Run> {
  const runJson = await readJson(dir, 'run.json');
  const metricsJson = await readJson(dir, 'metrics.json');
  const verifyJson = await readJson(dir, 'verify.json');
  let mapsJson = await readJson(dir, 'maps.json', true);
  try {
    if (mapsJson === undefined) {
      mapsJson = await mapsFromModels(dir, metricsJson);
      parseRunFile('maps.json', mapsJsonSchema, mapsJson);
      await writeFileAtomic(join(dir, 'maps.json'), `${JSON.stringify(mapsJson)}\n`);
    }
    return parseRun({ runJson, metricsJson, verifyJson, mapsJson });
  } catch (error) {
    throw schemaError(dir, error);
  }
}

/** Writes the HTML report of run directory `dir` to `out` (default `dir/report.html`); returns its path. */
export async function writeRunReport(
  dir: string,
  out: string = join(dir, 'report.html'),
): Promise<string> {
  const run = await readRunDirectory(dir);
  await writeFileAtomic(out, renderReport(run, { source: dir }));
  return out;
}
