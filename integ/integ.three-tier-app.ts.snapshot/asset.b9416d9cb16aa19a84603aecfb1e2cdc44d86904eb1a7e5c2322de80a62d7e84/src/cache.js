// Optional read-through cache for GET /items/{id} on Valkey or Redis (ElastiCache in AWS). The cache
// only ever saves database reads: when it is slow or down, requests go to the database, the error is
// counted, and the client reconnects in the background.
import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';
import { defaultCredentials, iamTokenGenerator } from './cache-iam.js';

// Keys share a hash tag ({id}), so the item and its generation sit in one slot (cluster mode, serverless).
const itemKey = (id) => `items:v1:{${id}}`;
const genKey = (id) => `items:v1:{${id}}:gen`;
// A generation outlives any request that read it: a reader that saw one can't see it come back.
const GEN_TTL_SECONDS = 3600;

// Fill only when no write has invalidated the item since this reader looked (its generation is unchanged).
const FILL = `local gen = redis.call('GET', KEYS[2]) or ''
if gen == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end
return 0`;
// A write's invalidation: a new generation (so in-flight fills are refused), then the cached copy goes.
const INVALIDATE = `redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('DEL', KEYS[1])
return 1`;

async function credentialsProvider(config) {
  if (config.auth === 'none') return undefined;
  if (config.auth === 'password') {
    return { type: 'async-credentials-provider', credentials: async () => ({ username: config.user, password: config.password }) };
  }
  const token = config.tokenGenerator ?? iamTokenGenerator({
    cacheName: config.name, user: config.user, region: config.region, serverless: config.serverless, credentials: await defaultCredentials(),
  });
  // Asked for at every (re)connect: tokens last 15 minutes and ElastiCache closes IAM connections after 12 hours.
  return { type: 'async-credentials-provider', credentials: async () => ({ username: config.user, password: await token() }) };
}

/** Opens the cache client (connecting in the background) and returns the cache operations. */
export async function createCache(config, { log, metrics }) {
  const client = createClient({
    socket: {
      host: config.host,
      port: config.port,
      // TLS verified against Node's CA store, which holds the Amazon roots ElastiCache certificates chain to.
      ...(config.tls ? { tls: true, servername: config.host } : {}),
      connectTimeout: Math.max(1000, config.timeoutMs),
      // Exponential backoff with jitter, capped at 5 s; never gives up.
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000) + Math.floor(Math.random() * 100),
    },
    credentialsProvider: await credentialsProvider(config),
    // While disconnected, commands fail at once instead of queueing: the request goes to the database.
    disableOfflineQueue: true,
    // A reply later than this is given up on (the command may still run): the database answers instead.
    commandOptions: { timeout: config.timeoutMs, rejectInFlight: true },
    disableClientInfo: true,
  });
  let up;
  const changed = (now, fields) => {
    if (up === now) return;
    up = now;
    if (now) log.info('cache connected', { host: config.host, port: config.port });
    else log.warn('cache unavailable; reading from the database until it is back', fields);
  };
  client.on('ready', () => changed(true));
  client.on('error', (err) => changed(false, { error: err.message }));
  client.connect().catch((err) => changed(false, { error: err.message }));

  const failed = (operation, err) => {
    metrics.cacheErrors.inc({ operation });
    log.debug('cache error', { operation, error: err.message });
  };

  return {
    /** The cached item, or `{ gen }` (the generation to fill with) on a miss, or undefined when the cache failed. */
    async lookup(id) {
      try {
        const [value, gen] = await client.mGet([itemKey(id), genKey(id)]);
        metrics.cacheRequests.inc({ result: value === null ? 'miss' : 'hit' });
        return value === null ? { gen: gen ?? '' } : { item: JSON.parse(value) };
      } catch (err) {
        failed('get', err);
        return undefined;
      }
    },
    async fill(id, gen, item) {
      try {
        await client.eval(FILL, { keys: [itemKey(id), genKey(id)], arguments: [gen, JSON.stringify(item), String(config.ttlSeconds)] });
      } catch (err) {
        failed('set', err);
      }
    },
    async invalidate(id) {
      try {
        await client.eval(INVALIDATE, { keys: [itemKey(id), genKey(id)], arguments: [randomUUID(), String(GEN_TTL_SECONDS)] });
      } catch (err) {
        failed('invalidate', err); // the cached copy may live out its TTL
      }
    },
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}

/**
 * The store with the cache in front of reads by id. Writes go to the database first and invalidate
 * after they commit; everything else is the store's own.
 */
export function withCache(store, cache) {
  return {
    kind: store.kind,
    ping: () => store.ping(),
    list: (query) => store.list(query),
    create: (item) => store.create(item),
    poolStats: () => store.poolStats(),
    async get(id) {
      const cached = await cache.lookup(id);
      if (cached?.item) return cached.item;
      const item = await store.get(id);
      if (cached) await cache.fill(id, cached.gen, item);
      return item;
    },
    async replace(id, input, owner) {
      const item = await store.replace(id, input, owner);
      await cache.invalidate(id);
      return item;
    },
    async delete(id, owner) {
      await store.delete(id, owner);
      await cache.invalidate(id);
    },
    async close() {
      await cache.close();
      await store.close();
    },
  };
}
