// What `quantproof run --resume` continues from: each finished step's result, written atomically
// under <run>/.state/, read back on resume. A step whose file is missing is run again.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files.js';

/** The finished steps of one run directory. */
export interface StepStore {
  /** The step's saved result, or null (not finished, or resuming was not asked for). */
  load<T>(name: string): Promise<T | null>;
  /** Saves a finished step's result atomically. */
  save(name: string, value: unknown): Promise<void>;
  /** A path for a step's own checkpoint file. */
  path(name: string): string;
  /** Removes a step's own checkpoint file (its result is saved). */
  discard(name: string): Promise<void>;
}

/** The step store of run directory `dir`; with `resume` false every load misses. */
export function stepStore(dir: string, resume: boolean): StepStore {
  const state = join(dir, '.state');
  const file = (name: string): string => join(state, `${name}.json`);
  return {
    async load<T>(name: string): Promise<T | null> {
      if (!resume) return null;
      try {
        return JSON.parse(await readFile(file(name), 'utf8')) as T;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    save: (name, value) => writeFileAtomic(file(name), `${JSON.stringify(value)}\n`),
    path: (name) => join(state, name),
    discard: (name) => rm(join(state, name), { force: true }),
  };
}
