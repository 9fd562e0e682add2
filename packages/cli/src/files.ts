// The file system, as the CLI uses it: atomic writes (nothing half-written) and clear read errors.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError, UsageError } from './errors.js';

/** Why a file operation failed, in words, for the system errors a user's path can cause. */
function fileErrorReason(error: unknown): string | null {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'no such file or directory';
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
    await mkdir(dirname(path), { recursive: true });
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

/**
 * Rejects an output file path that names a directory, before any long work runs (the write itself
 * would fail only at the end).
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory() === true) {
    throw new UsageError(`${flag} ${path} is a directory; pass the path of a file to write`);
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
