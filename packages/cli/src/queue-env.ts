// The environment variable a Redis password is read from (never a flag): its own module so that
// the command catalog can name it without loading the queue.

/** Where `verify --queue` and `worker` read the Redis password. */
export const REDIS_PASSWORD_VARIABLE = 'QUANTPROOF_REDIS_PASSWORD';
