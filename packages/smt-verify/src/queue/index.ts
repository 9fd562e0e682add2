// @quantproof/smt-verify/queue: region verification on a BullMQ queue in Redis. A coordinator runs
// `verifyRegion` with `runner: queueRunner(...)`; any number of processes on any machines run
// `startQueueWorker` with the same networks and options. Kept apart from the main entry so that
// programs that never use a queue never load a Redis client.
export { QueueUnavailableError, QueueWorkerRefusedError } from '../errors.js';
export { checkQueueConnection, parseQueueUrl, type QueueConnection } from './connection.js';
export { queueRunner, type QueueRunnerOptions, type QueueRunnerStats } from './coordinator.js';
export { decisionFingerprint, DEFAULT_QUEUE_NAME, QUEUE_PAYLOAD_VERSION } from './payload.js';
export { type QueueWorker, type QueueWorkerOptions, startQueueWorker } from './worker.js';
