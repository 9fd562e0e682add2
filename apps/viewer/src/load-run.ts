// A run from the files a user picked or dropped: the four JSON files of a run directory, found by
// name (in the directory itself, not in subfolders such as models/).

import { parseRun, ReportSchemaError, type Run } from '@quantproof/web-report';
import { RunFilesError } from './errors.js';

/** A file as the viewer needs it: its name, its path inside a picked directory, and its text. */
export interface RunFile {
  readonly name: string;
  /** `dir/run.json` for a file of a picked directory (`webkitRelativePath`); '' for a single file. */
  readonly relativePath: string;
  text(): Promise<string>;
}

/** A run and the name it is shown under (its directory, or the seed). */
export interface LoadedRun {
  readonly name: string;
  readonly run: Run;
}

const REQUIRED = ['run.json', 'metrics.json', 'verify.json'] as const;

/** Reads and validates a run from its files; a missing, non-JSON or invalid file is a `RunFilesError` naming it. */
export async function loadRun(files: readonly RunFile[]): Promise<LoadedRun> {
  // Only files at the top of a picked directory (dir/run.json), not dir/models/… or deeper.
  const top = files.filter((f) => f.relativePath.split('/').length <= 2);
  const byName = new Map(top.map((f) => [f.name, f]));
  const missing = REQUIRED.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new RunFilesError(
      `not a run directory: ${missing.join(', ')} missing (open the directory quantproof run wrote, or its run.json, metrics.json, verify.json and maps.json)`,
    );
  }
  const json = async (name: string): Promise<unknown> => {
    const file = byName.get(name);
    if (file === undefined) return undefined;
    try {
      return JSON.parse(await file.text()) as unknown;
    } catch (error) {
      throw new RunFilesError(`${name} is not JSON: ${(error as Error).message}`);
    }
  };
  let run: Run;
  try {
    run = parseRun({
      runJson: await json('run.json'),
      metricsJson: await json('metrics.json'),
      verifyJson: await json('verify.json'),
      mapsJson: await json('maps.json'),
    });
  } catch (error) {
    if (error instanceof ReportSchemaError) throw new RunFilesError(error.message);
    throw error;
  }
  const directory = top.find((f) => f.relativePath.includes('/'))?.relativePath.split('/')[0];
  return { name: directory ?? `seed ${run.run.seed}`, run };
}
