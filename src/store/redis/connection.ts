/**
 * @module Redis connections for the store and the event bus: connecting fails
 * fast with a clear STORE_UNAVAILABLE (no retry loop before the first success),
 * later drops reconnect in the background; ioredis failures become
 * CoordinationErrors; and the Redis server's TIME, which the store's clock follows so every
 * coordinator process decides expiry by one clock (DESIGN §8).
 */
import { Redis } from 'ioredis';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';

export interface ConnectOptions {
  /** How long the first connection may take, in ms. */
  connectTimeoutMs?: number;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
  /**
   * ioredis auto-pipelining (default on). The store turns it off: ioredis keeps one
   * auto-pipeline in flight per connection, which serialises independent callers.
   */
  autoPipelining?: boolean;
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}

export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  let lastError: unknown;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    // A command fails after a few reconnect attempts instead of waiting for ever.
    maxRetriesPerRequest: 3,
    enableAutoPipelining: options.autoPipelining ?? true,
    // A step's commit must not run twice: after a drop, an unanswered command fails instead of being resent.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * attempt, 2_000),
    ...(options.name ? { connectionName: options.name } : {}),
  });
  // ioredis emits 'error' on every failed (re)connect; commands report failures themselves.
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new CoordinationError('STORE_UNAVAILABLE', `Cannot connect to Redis at ${redactUrl(url)}: ${detail}.`, undefined, { cause });
  }
  return client;
}

const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|MISCONF)\b/;

/** Maps a failure of a Redis call to STORE_UNAVAILABLE (cannot reach Redis) or INTERNAL. */
export function translateRedisError(error: unknown): CoordinationError {
  if (isCoordinationError(error)) return error;
  // ioredis's ReplyError (a refusal by the server) is not typed: recognise it by name.
  if (error instanceof Error && error.name === 'ReplyError') {
    // OOM inside a script arrives wrapped ("ERR Error running script ... OOM ..."): nothing was written, the store is full.
    if (/\bOOM\b/.test(error.message)) {
      return new CoordinationError('STORE_UNAVAILABLE', 'Redis is out of memory (maxmemory reached) and refuses writes: raise maxmemory or free memory, then retry.', { engine: 'redis', reason: 'out_of_memory' }, { cause: error });
    }
    if (UNAVAILABLE_REPLIES.test(error.message)) return new CoordinationError('STORE_UNAVAILABLE', `Redis is not serving: ${error.message}`, undefined, { cause: error });
    return new CoordinationError('INTERNAL', `Redis refused a store command: ${error.message}`, undefined, { cause: error });
  }
  if (error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || /Connection is closed|ECONN|ETIMEDOUT|EPIPE|timed out|Stream isn't writeable|offline queue/i.test(error.message))) {
    return new CoordinationError('STORE_UNAVAILABLE', `Redis is unreachable: ${error.message}`, undefined, { cause: error });
  }
  return new CoordinationError('INTERNAL', 'The Redis store failed.', undefined, { cause: error });
}

/** Redis server time (TIME) in epoch ms. */
export async function redisTimeMs(client: Redis): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
