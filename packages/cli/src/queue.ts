// `--queue redis://host:port[/db]` (or rediss:// for TLS): the Redis a distributed verification
// runs through. Its password comes from QUANTPROOF_REDIS_PASSWORD, never from a flag or the URL
// (both would show in the process list).

import {
  parseQueueUrl,
  type QueueConnection,
  QueueUnavailableError,
  QueueWorkerRefusedError,
} from '@quantproof/smt-verify/queue';
import { SmtVerifyOptionsError } from '@quantproof/smt-verify';
import { UsageError } from './errors.js';
import { REDIS_PASSWORD_VARIABLE } from './queue-env.js';

/** The environment variable that holds the queue's Redis password. */
export { REDIS_PASSWORD_VARIABLE };

/** The connection `--queue <url>` names, with the password from the environment. */
export function queueConnectionOf(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): QueueConnection {
  try {
    return parseQueueUrl(url, env[REDIS_PASSWORD_VARIABLE]);
  } catch (error) {
    if (error instanceof SmtVerifyOptionsError) {
      throw new UsageError(
        `--queue: ${error.message.replace(/^invalid option: /, '').replace(/\.$/, '')}${/password/.test(error.message) ? ` (${REDIS_PASSWORD_VARIABLE})` : ''}`,
      );
    }
    throw error;
  }
}

/** A queue error a user can fix (Redis unreachable, a worker of another run) as a usage error. */
export function queueUsageError(error: unknown): UsageError | null {
  if (error instanceof QueueUnavailableError || error instanceof QueueWorkerRefusedError) {
    return new UsageError(`--queue: ${error.message}`);
  }
  return null;
}
