// The read-through cache for GET /items/{id}, against a real Redis (or Valkey) server started here:
// hits, invalidation on PUT and DELETE, TTL, the cache going away and coming back, and the guard
// against a stale fill racing an invalidation.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pg from 'pg';
import { createCache } from '../src/cache.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { BACKENDS, call, startCacheServer, startService, waitFor } from './servers.js';

/** Renames an item in the database itself, behind the service's back (and its cache's). */
async function renameInDatabase(backend, db, id, name) {
  if (backend.name === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('UPDATE items SET name = $2 WHERE id = $1', [id, name]);
    } finally {
      await client.end();
    }
    return;
  }
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: db.env.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await DynamoDBDocumentClient.from(client).send(new UpdateCommand({
      TableName: db.env.DYNAMODB_TABLE, Key: { pk: id }, UpdateExpression: 'SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':n': name },
    }));
  } finally {
    client.destroy();
  }
}

const counter = (text, name, labels) => {
  const match = new RegExp(`^${name}\\{${labels}\\} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
};

// PostgreSQL with an ACL user and password (CACHE_AUTH=password), DynamoDB with no auth.
const VARIANTS = {
  postgres: { server: { acl: ['items-app on >cache-secret ~items:* +@all'] }, env: { CACHE_AUTH: 'password', CACHE_USER: 'items-app', CACHE_PASSWORD: 'cache-secret' } },
  dynamodb: { server: {}, env: { CACHE_AUTH: 'none' } },
};

for (const backend of BACKENDS) {
  const variant = VARIANTS[backend.name];
  describe(`read-through cache on ${backend.name} (CACHE_AUTH=${variant.env.CACHE_AUTH})`, () => {
    let db;
    let cache;
    let service;
    let env;
    const metric = async (name, labels) => counter((await call(service.url, 'GET', '/metrics')).text, name, labels);
    const create = async (name) => (await call(service.url, 'POST', '/items', { name })).body;
    before(async () => {
      db = await backend.start();
      cache = await startCacheServer(variant.server);
      env = { ...db.env, CACHE_HOST: '127.0.0.1', CACHE_PORT: String(cache.port), ...variant.env };
      service = await startService(env);
      await waitFor(() => service.logs().some((l) => l.msg === 'cache connected'));
    });
    after(async () => {
      await service?.stop();
      await cache?.dispose();
      await db?.dispose();
    });

    it('a second GET is served from the cache: a change behind the service\'s back stays unseen until a PUT', async () => {
      const item = await create('original');
      const hits = await metric('items_cache_requests_total', 'result="hit"');
      assert.equal((await call(service.url, 'GET', `/items/${item.id}`)).body.name, 'original'); // miss: read and cached
      await renameInDatabase(backend, db, item.id, 'changed in the database');
      const cached = await call(service.url, 'GET', `/items/${item.id}`);
      assert.deepEqual(cached.body, item, 'served from the cache');
      assert.equal(await metric('items_cache_requests_total', 'result="hit"'), hits + 1);
      assert.equal((await call(service.url, 'PUT', `/items/${item.id}`, { name: 'replaced' })).status, 200);
      assert.equal((await call(service.url, 'GET', `/items/${item.id}`)).body.name, 'replaced', 'the PUT invalidated the cached copy');
    });

    it('DELETE invalidates: the deleted item is a 404 at once', async () => {
      const item = await create('short-lived');
      assert.equal((await call(service.url, 'GET', `/items/${item.id}`)).status, 200);
      assert.equal((await call(service.url, 'GET', `/items/${item.id}`)).status, 200); // now cached
      assert.equal((await call(service.url, 'DELETE', `/items/${item.id}`)).status, 200);
      assert.equal((await call(service.url, 'GET', `/items/${item.id}`)).status, 404);
    });

    it('honours CACHE_TTL_SECONDS: the cached copy expires', async () => {
      const short = await startService({ ...env, CACHE_TTL_SECONDS: '1' });
      try {
        await waitFor(() => short.logs().some((l) => l.msg === 'cache connected'));
        const item = (await call(short.url, 'POST', '/items', { name: 'before' })).body;
        await call(short.url, 'GET', `/items/${item.id}`);
        await renameInDatabase(backend, db, item.id, 'after');
        assert.equal((await call(short.url, 'GET', `/items/${item.id}`)).body.name, 'before', 'cached');
        await new Promise((resolve) => setTimeout(resolve, 1300));
        assert.equal((await call(short.url, 'GET', `/items/${item.id}`)).body.name, 'after', 'expired, read again');
      } finally {
        await short.stop();
      }
    });

    it('cache server stopped: 200 from the database, errors counted, /readyz still 200', async () => {
      const item = await create('survives the cache');
      await cache.stop();
      try {
        const errors = await metric('items_cache_errors_total', 'operation="get"');
        for (let i = 0; i < 3; i++) {
          const started = Date.now();
          const res = await call(service.url, 'GET', `/items/${item.id}`);
          assert.equal(res.status, 200);
          assert.equal(res.body.name, 'survives the cache');
          assert.ok(Date.now() - started < 1000, 'no wait on the reconnection');
        }
        assert.equal((await call(service.url, 'PUT', `/items/${item.id}`, { name: 'written while the cache is down' })).status, 200);
        assert.ok(await metric('items_cache_errors_total', 'operation="get"') >= errors + 3);
        assert.ok(await metric('items_cache_errors_total', 'operation="invalidate"') >= 1);
        assert.equal((await call(service.url, 'GET', '/readyz')).status, 200, 'readiness does not depend on the cache');
        assert.equal(service.logs().filter((l) => l.msg === 'cache unavailable; reading from the database until it is back').length, 1,
          'the outage is logged once, not per request or per reconnection attempt');
      } finally {
        await cache.start();
      }
    });

    it('after the cache server comes back, reads are served from it again', async () => {
      await cache.stop();
      await cache.start();
      const item = await create('back again');
      await waitFor(async () => {
        const hits = await metric('items_cache_requests_total', 'result="hit"');
        await call(service.url, 'GET', `/items/${item.id}`);
        await call(service.url, 'GET', `/items/${item.id}`);
        return await metric('items_cache_requests_total', 'result="hit"') > hits;
      });
      assert.ok(service.logs().filter((l) => l.msg === 'cache connected').length >= 2, 'the reconnection is logged');
    });
  });
}

describe('cache client (in process, real server)', () => {
  let server;
  const log = createLogger('error', () => {});
  const metrics = () => createMetrics({ poolStats: () => undefined });
  before(async () => { server = await startCacheServer({ acl: ['iam-user on nopass ~items:* +@all'] }); });
  after(async () => { await server?.dispose(); });

  const base = () => ({ host: '127.0.0.1', port: server.port, tls: false, ttlSeconds: 60, timeoutMs: 200 });

  it('refuses a fill that raced an invalidation (the stale-fill guard), and takes one that did not', async () => {
    const cache = await createCache({ ...base(), auth: 'none' }, { log, metrics: metrics() });
    try {
      const id = randomUUID();
      await waitFor(async () => (await cache.lookup(id)) !== undefined);
      const miss = await cache.lookup(id); // a reader misses and goes to the database…
      assert.ok(miss && !miss.item);
      await cache.invalidate(id); // …a writer commits and invalidates meanwhile…
      await cache.fill(id, miss.gen, { id, name: 'old row' }); // …and the reader's fill comes last
      assert.equal((await cache.lookup(id)).item, undefined, 'the old row was not cached');
      const again = await cache.lookup(id);
      await cache.fill(id, again.gen, { id, name: 'current row' });
      assert.deepEqual((await cache.lookup(id)).item, { id, name: 'current row' });
    } finally {
      await cache.close();
    }
  });

  it('CACHE_AUTH=iam: each (re)connection authenticates with a newly signed token', async () => {
    const tokens = [];
    const tokenGenerator = async () => { const token = `token-${tokens.length + 1}`; tokens.push(token); return token; };
    const cache = await createCache({ ...base(), auth: 'iam', user: 'iam-user', tokenGenerator }, { log, metrics: metrics() });
    try {
      const id = randomUUID();
      await waitFor(async () => (await cache.lookup(id)) !== undefined);
      assert.equal(tokens.length, 1);
      await server.stop();
      await server.start();
      await waitFor(async () => (await cache.lookup(id)) !== undefined);
      assert.ok(tokens.length >= 2, `a new token for the reconnection (${tokens.length} signed)`);
    } finally {
      await cache.close();
    }
  });

  it('a wrong password: lookups fail fast and are counted, never thrown', async () => {
    const m = metrics();
    const cache = await createCache({ ...base(), auth: 'password', user: 'iam-user-nope', password: 'wrong' }, { log, metrics: m });
    try {
      const started = Date.now();
      assert.equal(await cache.lookup('x'), undefined);
      await cache.invalidate('x');
      assert.ok(Date.now() - started < 1000);
      const text = await m.registry.metrics();
      assert.equal(counter(text, 'items_cache_errors_total', 'operation="get"'), 1);
      assert.equal(counter(text, 'items_cache_errors_total', 'operation="invalidate"'), 1);
    } finally {
      await cache.close();
    }
  });
});
