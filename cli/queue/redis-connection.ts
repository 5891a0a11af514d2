import { Redis, type RedisOptions } from 'ioredis';
import { UsageError, VivifyError } from '../../runtime/errors.ts';

/** The BullMQ queue every Vivify job goes through: scans, chunks, joins. */
export const queueName = 'vivify-render';

/** ioredis options from a `redis://[user:password@]host[:port][/db]` URL (rediss:// for TLS). */
export function redisOptions(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${url}: not a URL; give redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UsageError(`--queue ${url}: expected a redis:// or rediss:// URL`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`--queue ${url}: the path must be a database number (redis://HOST:PORT/0)`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking commands must wait as long as they need.
    maxRetriesPerRequest: null,
  };
}

/**
 * Connects once, without retrying, and pings: BullMQ would otherwise retry an unreachable Redis forever and the
 * command would hang in silence.
 */
export async function checkRedis(url: string): Promise<RedisOptions> {
  const options = redisOptions(url);
  const probe = new Redis({ ...options, lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The connection's own error (ECONNREFUSED, ENOTFOUND, NOAUTH) says more than the rejected command's.
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new VivifyError(`cannot reach the queue's Redis at ${url} (${reason}); start redis-server there or give --queue the address of a running one`);
  } finally {
    probe.disconnect();
  }
  return options;
}
