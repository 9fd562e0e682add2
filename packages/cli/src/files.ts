// The file system, as the CLI uses it: atomic writes (nothing half-written) and clear read errors.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from './errors.js';

/** Why a file operation failed, in words, for the system errors a user's path can cause. */
function fileErrorReason(error: unknown): string | null {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EINVAL':
    case 'EIO':
      return 'the file system does not take files there';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
    case 'EEXIST': // mkdir -p where a file stands in the path
      return 'a part of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return null;
  }
}

/**
 * Writes `data` to `path` atomically: to a temporary file beside it, then a rename, so readers see
 * the old file or the whole new one, never a prefix. Creates the parent directory. A path that
 * cannot be written (a directory, a missing permission, …) is a `UsageError` naming it, and leaves
 * no temporary file behind.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await makeDirectory(dirname(path));
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    // Nothing to remove when the path itself is impossible (ENOTDIR); report the first error.
    await rm(temporary, { force: true }).catch(() => undefined);
    const reason = fileErrorReason(error);
    if (reason === null) throw error;
    throw new UsageError(`cannot write ${path}: ${reason}; choose another output path`);
  }
}

/** `stat`, or null where nothing is at `path`. */
async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The nearest directory at or above `path` that exists, and the components below it that do not. */
async function nearestExisting(path: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const found = await statOrNull(current);
    if (found !== null) {
      if (!found.isDirectory()) {
        throw Object.assign(new Error(`${current} is not a directory`), { code: 'ENOTDIR' });
      }
      return { existing: current, missing: missing.reverse() };
    }
    const parent = dirname(current);
    if (parent === current) return { existing: current, missing: missing.reverse() };
    missing.push(current);
    current = parent;
  }
}

/**
 * Creates `dir` and its missing parents one by one. Node's `mkdir(…, { recursive: true })` never
 * returns on pseudo file systems such as /proc, where creating a directory fails with ENOENT.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const { missing } = await nearestExisting(dir);
  for (const component of missing) {
    try {
      await mkdir(component);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Whether a file can be created in `dir` (or, where `dir` does not exist yet, in its nearest
 * existing parent): creates and removes a probe file, so a read-only or pseudo file system (/sys,
 * /proc) is found before any long work; creates nothing that stays.
 */
async function probeWritable(dir: string): Promise<void> {
  const { existing } = await nearestExisting(dir);
  const probe = join(existing, `.quantproof-probe-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(probe, '');
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** A file-system failure as the usage error of an output flag, or the error itself if unknown. */
function outputError(error: unknown, flag: string, path: string, what: string): unknown {
  const reason = fileErrorReason(error);
  if (reason === null) return error;
  return new UsageError(
    `${flag} ${path}: cannot write ${what} there (${reason}); choose another path`,
  );
}

/**
 * Rejects an output file path that cannot be written — a directory, a path through a file, a
 * read-only or pseudo file system, a missing permission — before any long work runs (the write
 * itself would fail only at the end).
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const existing = await statOrNull(path).catch(() => null);
  if (existing?.isDirectory() === true) {
    throw new UsageError(`${flag} ${path} is a directory; pass the path of a file to write`);
  }
  try {
    await probeWritable(dirname(path));
  } catch (error) {
    throw outputError(error, flag, path, 'a file');
  }
}

/**
 * Rejects an output directory that cannot be written (a file, a read-only or pseudo file system, a
 * missing permission) before any work runs.
 */
export async function checkOutputDirectory(path: string, flag: string): Promise<void> {
  const existing = await statOrNull(path).catch(() => null);
  if (existing !== null && !existing.isDirectory()) {
    throw new UsageError(`${flag} ${path} is a file; pass a directory`);
  }
  try {
    await probeWritable(path);
  } catch (error) {
    throw outputError(error, flag, path, 'files');
  }
}

/** Reads a file the user named, turning a missing or unreadable file into an `InputError`. */
export async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const reason = fileErrorReason(error) ?? String((error as Error).message);
    throw new InputError(`cannot read ${what} ${path}: ${reason}`);
  }
}
