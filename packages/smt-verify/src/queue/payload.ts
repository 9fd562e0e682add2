// What travels through the queue: a box to evaluate and its evaluation, versioned, each box
// carrying the fingerprint of the networks and decision settings it must be evaluated with.
import { createHash } from 'node:crypto';
import type { WorkerInit } from '../region/jobs.js';

/** The payload version; a worker refuses a box of another version. */
export const QUEUE_PAYLOAD_VERSION = 1;

/** The queue every coordinator and worker uses unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'quantproof-region';

/** A job's data: one leaf task (wire text) and what it must be evaluated with. */
export interface QueueJobData {
  readonly version: number;
  /** `decisionFingerprint` of the coordinator's networks and settings. */
  readonly fingerprint: string;
  /** The `LeafTask` as `encodeWire` text. */
  readonly task: string;
}

/** A job's return value: the `LeafEvaluation` as wire text. */
export interface QueueJobResult {
  readonly version: number;
  readonly fingerprint: string;
  readonly evaluation: string;
}

/** A hash of the networks and decision settings: equal on two machines iff they decide alike. */
export function decisionFingerprint(init: WorkerInit): string {
  return createHash('sha256').update(JSON.stringify(init)).digest('hex');
}

/**
 * The job id of a task: the fingerprint and a hash of the task. A task is evaluated
 * deterministically (its seed is in it), so the same id always has the same answer: a coordinator
 * that resumes adds the ids again and finds the answers already there.
 */
export function taskJobId(fingerprint: string, taskText: string): string {
  const hash = createHash('sha256').update(taskText).digest('hex');
  return `${fingerprint.slice(0, 16)}-${hash.slice(0, 32)}`;
}
