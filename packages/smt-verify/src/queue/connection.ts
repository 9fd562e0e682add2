// The queue's Redis: a `redis://host:port[/db]` or `rediss://` (TLS) URL and a password given
// apart from it (the cli reads it from an environment variable, so it never shows in a process
// list), turned into ioredis options; and a first ping that turns an unreachable server into a
// typed error instead of ioredis's endless reconnection.
import { Redis, type RedisOptions } from 'ioredis';
import { QueueUnavailableError, SmtVerifyOptionsError } from '../errors.js';

/** Where the queue lives. */
export interface QueueConnection {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  /** The URL without credentials (for messages). */
  readonly url: string;
}

/**
 * The connection a queue URL names: `redis://host:port[/db]` or `rediss://host:port[/db]` (TLS),
 * port 6379 and db 0 by default. A password inside the URL is refused (give it as `password`).
 * Throws `SmtVerifyOptionsError` with what to write instead.
 */
export function parseQueueUrl(url: string, password?: string): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SmtVerifyOptionsError(
      `the queue "${url}" is not a URL; write redis://host:port or redis://host:port/db (rediss:// for TLS)`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new SmtVerifyOptionsError(
      `the queue "${url}" is not a redis:// or rediss:// URL; write redis://host:port[/db]`,
    );
  }
  if (parsed.password !== '') {
    throw new SmtVerifyOptionsError(
      'the queue URL holds a password, which would show in the process list; remove it from the URL and give it in the environment instead',
    );
  }
  if (parsed.hostname === '') {
    throw new SmtVerifyOptionsError(`the queue "${url}" names no host; write redis://host:port`);
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const path = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(path) || Number(path) > 15 || parsed.search !== '' || parsed.hash !== '') {
    throw new SmtVerifyOptionsError(
      `the queue "${url}" should end in an optional database number 0..15 (redis://host:port/db)`,
    );
  }
  const db = path === '' ? 0 : Number(path);
  const tls = parsed.protocol === 'rediss:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    db,
    tls,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(password === undefined || password === '' ? {} : { password }),
    url: `${parsed.protocol}//${parsed.host}/${db}`,
  };
}

/** ioredis options for BullMQ's connections (they reconnect for ever: a restarted Redis is waited for). */
export function redisOptions(connection: QueueConnection): RedisOptions {
  return {
    host: connection.host,
    port: connection.port,
    db: connection.db,
    ...(connection.tls ? { tls: {} } : {}),
    ...(connection.username === undefined ? {} : { username: connection.username }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    maxRetriesPerRequest: null,
  };
}

/**
 * Pings the server once (a few seconds at most); throws `QueueUnavailableError` saying what to
 * check when it does not answer.
 */
export async function checkQueueConnection(connection: QueueConnection): Promise<void> {
  const client = new Redis({
    ...redisOptions(connection),
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis rejects with "Connection is closed"; the cause (ECONNREFUSED, a timeout) is the event.
  let cause: Error | null = null;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const why = (cause ?? (error instanceof Error ? error : new Error(String(error)))).message;
    throw new QueueUnavailableError(
      `cannot reach the queue's Redis at ${connection.url} (${why}); start redis-server there, check the host, port and TLS (rediss://), and give its password if it needs one (the quantproof command reads it from QUANTPROOF_REDIS_PASSWORD)`,
    );
  } finally {
    client.disconnect();
  }
}
