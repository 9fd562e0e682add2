// Errors a user of the viewer can cause by opening the wrong files.

/** The files given are not a run directory (a file missing, not JSON, or not matching its schema). */
export class RunFilesError extends Error {
  override readonly name: string = 'RunFilesError';
}
