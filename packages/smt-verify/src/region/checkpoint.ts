// Checkpoints of a region run: the whole state after a round, written atomically (temporary file,
// fsync, rename), and read back only when it describes the same networks, region and options.
import { createHash } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { SmtVerifyOptionsError } from '../errors.js';
import type { WorkerInit } from './jobs.js';
import type { StepLeaf } from './verify-region.js';

/** A box waiting in the queue; `counterexample` indexes the run's points (boxes being refined). */
export interface QueueEntry {
  readonly lower: number[];
  readonly upper: number[];
  readonly volume: number;
  readonly seq: number;
  readonly counterexample: number | null;
  /** The refinement step this box descends from (null: none). */
  readonly step?: number | null;
}

/** One refinement split of an inconsistent box (undone if the run ends inside it). */
export interface RefinementStep {
  readonly lower: number[];
  readonly upper: number[];
  readonly volume: number;
  readonly counterexample: number;
  readonly parent: number | null;
  /** Boxes of the other half processed so far. */
  work: number;
  /** Given up (the other half needed too many splits): the box is one inconsistent leaf. */
  abandoned: boolean;
}

/** Everything needed to continue a run. */
export interface CheckpointState {
  readonly fingerprint: string;
  seq: number;
  readonly queue: readonly QueueEntry[];
  readonly leaves: readonly StepLeaf[];
  readonly steps: RefinementStep[];
  /** Counterexample inputs, replayed again on resume. */
  readonly points: readonly (readonly number[])[];
  boxes: number;
  rounds: number;
  smtQueries: number;
  smtSeconds: number;
  readonly elapsedSeconds: number;
  decidedAtSeconds: number | null;
}

const FORMAT = 'quantproof-region-checkpoint';
const VERSION = 1;

/** A hash of everything that determines a run's answer. */
export function regionFingerprint(init: WorkerInit, extra: object): string {
  return createHash('sha256').update(JSON.stringify({ init, extra })).digest('hex');
}

/** Writes the state to `path` atomically. */
export async function writeCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ format: FORMAT, version: VERSION, state }));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * The saved state at `path`, or null when there is none. Throws `SmtVerifyOptionsError` when the
 * file belongs to another run (other networks, region or options) or is not a checkpoint.
 */
export async function readCheckpoint(
  path: string,
  fingerprint: string,
): Promise<CheckpointState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: { format?: unknown; version?: unknown; state?: CheckpointState };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new SmtVerifyOptionsError(
      `${path} is not a region checkpoint (not JSON); delete it or choose another checkpoint path`,
    );
  }
  if (parsed.format !== FORMAT || parsed.version !== VERSION || parsed.state === undefined) {
    throw new SmtVerifyOptionsError(
      `${path} is not a version ${VERSION} region checkpoint; delete it or choose another checkpoint path`,
    );
  }
  if (parsed.state.fingerprint !== fingerprint) {
    throw new SmtVerifyOptionsError(
      `${path} belongs to another run (other models, region or options); resume with the same ones, or delete it to start afresh`,
    );
  }
  return parsed.state;
}
