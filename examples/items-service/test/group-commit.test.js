// Creates that arrive together share one INSERT, so one transaction and one WAL flush
// (PostgresStore.create): each caller still gets its own item, in arrival order, a 409 for a taken
// id, and a bad item fails only its own request. Real PostgreSQL 18.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { StoreUnavailableError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { PostgresStore } from '../src/stores/postgres.js';
import { call, startPostgres, startService } from './servers.js';

describe('group commit of creates (PostgreSQL)', () => {
  let db;
  let store;
  let statements = []; // { name, items } per statement sent, items for a batch
  let onStatement = () => {};

  before(async () => {
    db = await startPostgres();
    store = new PostgresStore(new pg.Pool({ connectionString: db.url, max: 4 }), undefined, createLogger('error', () => {}));
    await store.ping(); // the schema, before anything is counted
    const query = store.pool.query.bind(store.pool);
    store.pool.query = (...args) => {
      const name = args[0].name ?? args[0];
      statements.push({ name, items: name === 'items-create-batch' ? JSON.parse(args[0].values[0]).length : undefined });
      onStatement(name);
      return query(...args);
    };
  });
  after(async () => {
    await store.close();
    await db.dispose();
  });

  /** The transaction id that wrote each row: rows of one transaction share it. */
  async function writers(ids) {
    const { rows } = await store.pool.query('SELECT id, xmin::text AS xid FROM items WHERE id = ANY($1)', [ids]);
    return new Map(rows.map((r) => [r.id, r.xid]));
  }

  const batches = () => statements.filter((s) => s.name === 'items-create-batch');

  it('creates in the same turn share one INSERT and one transaction; each gets its own item, in order', async () => {
    statements = [];
    const inputs = Array.from({ length: 10 }, (_, i) => ({ name: `group ${i}`, price: i + 0.5, quantity: i, tags: [`t${i}`], description: i % 2 ? 'odd' : undefined }));
    const items = await Promise.all(inputs.map((input) => store.create(input)));
    assert.deepEqual(statements.map((s) => s.name), ['items-create-batch']);
    assert.equal(new Set(items.map((x) => x.id)).size, 10, 'each create has an id of its own');
    for (const [i, item] of items.entries()) {
      assert.match(item.id, /^[0-9a-f-]{36}$/);
      assert.equal(item.name, `group ${i}`);
      assert.equal(item.price, i + 0.5);
      assert.equal(item.quantity, i);
      assert.deepEqual(item.tags, [`t${i}`]);
      assert.equal(item.description, i % 2 ? 'odd' : undefined);
      assert.equal(item.version, 1);
      assert.deepEqual(await store.get(item.id), item, 'what the caller got is what was stored');
    }
    // Arrival order is creation order: created_at increases along the calls (the list's order).
    for (let i = 1; i < items.length; i++) assert.ok(items[i].createdAt >= items[i - 1].createdAt, `${i}`);
    const xids = await writers(items.map((x) => x.id));
    assert.equal(new Set(xids.values()).size, 1, 'one transaction wrote all ten');
  });

  it('a create alone still runs the single-row statement', async () => {
    statements = [];
    const item = await store.create({ name: 'alone', tags: [] });
    assert.deepEqual(statements.map((s) => s.name), ['items-create']);
    assert.deepEqual(await store.get(item.id), item);
  });

  it('creates that arrive while a batch is written share the next one', async () => {
    statements = [];
    let sent;
    const firstSent = new Promise((resolve) => { sent = resolve; });
    onStatement = (name) => { if (name === 'items-create-batch') sent(); };
    const first = [0, 1, 2].map((i) => store.create({ name: `first ${i}`, tags: [] }));
    await firstSent; // the first batch is on its way to the database
    onStatement = () => {};
    const second = [0, 1, 2, 3].map((i) => store.create({ name: `second ${i}`, tags: [] }));
    const [a, b] = [await Promise.all(first), await Promise.all(second)];
    assert.deepEqual(batches().map((s) => s.items), [3, 4]);
    const xids = await writers([...a, ...b].map((x) => x.id));
    assert.equal(new Set(a.map((x) => xids.get(x.id))).size, 1);
    assert.equal(new Set(b.map((x) => xids.get(x.id))).size, 1);
    assert.notEqual(xids.get(a[0].id), xids.get(b[0].id), 'two batches, two transactions');
    assert.ok(b[0].createdAt >= a[2].createdAt, 'the later batch was created after the earlier one');
  });

  it('a taken id is a 409 for its own request only, also when the same id comes twice in one batch', async () => {
    const taken = await store.create({ id: 'gc-taken', name: 'first', tags: [] });
    statements = [];
    const results = await Promise.allSettled([
      store.create({ id: 'gc-a', name: 'a', tags: [] }),
      store.create({ id: 'gc-taken', name: 'again', tags: [] }),
      store.create({ id: 'gc-twice', name: 'twice, first', tags: [] }),
      store.create({ id: 'gc-twice', name: 'twice, second', tags: [] }),
      store.create({ id: 'gc-b', name: 'b', tags: [] }),
    ]);
    assert.deepEqual(statements.map((s) => s.name), ['items-create-batch'], 'no retry: the batch itself succeeded');
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    assert.equal(results[1].reason.status, 409);
    assert.equal(results[1].reason.message, 'An item with id gc-taken already exists');
    assert.equal(results[3].reason.status, 409);
    assert.equal(results[2].value.name, 'twice, first', 'the first of the two in arrival order wins, as one by one');
    assert.deepEqual(await store.get('gc-taken'), taken, 'the taken item is unchanged');
    assert.deepEqual(await store.get('gc-twice'), results[2].value);
  });

  it('an item the database refuses fails only its own request: the batch is retried one by one', async () => {
    statements = [];
    const results = await Promise.allSettled([
      store.create({ name: 'good 1', tags: [] }),
      store.create({ name: 'out of range', quantity: 3_000_000_000, tags: [] }), // not an integer column value
      store.create({ name: 'good 2', tags: [] }),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(results[1].reason.status, 400);
    assert.deepEqual(statements.map((s) => s.name), ['items-create-batch', 'items-create', 'items-create', 'items-create']);
    assert.ok(results[2].value.createdAt > results[0].value.createdAt, 'the retry keeps arrival order');
    for (const r of [results[0], results[2]]) assert.deepEqual(await store.get(r.value.id), r.value);
  });

  it('strings JSON cannot carry go alone, with the answer they always had; the others still share a batch', async () => {
    statements = [];
    const results = await Promise.allSettled([
      store.create({ name: 'fine 1', tags: [] }),
      store.create({ name: 'nul \u0000 inside', tags: [] }),
      store.create({ name: 'lone \ud800 surrogate', tags: [] }),
      store.create({ name: 'fine 2', tags: ['😀'] }),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.equal(results[1].reason.status, 400);
    assert.equal(results[2].value.name, 'lone \ufffd surrogate', 'as a text parameter always stored it');
    assert.deepEqual(results[3].value.tags, ['😀']);
    assert.deepEqual(batches().map((s) => s.items), [2]);
  });

  it('a batch is bounded: 150 creates at once make batches of at most 64, all answered in order', async () => {
    statements = [];
    const items = await Promise.all(Array.from({ length: 150 }, (_, i) => store.create({ name: `many ${i}`, tags: [] })));
    const sizes = batches().map((s) => s.items);
    assert.ok(sizes.length >= 3, `batches: ${sizes}`);
    assert.ok(sizes.every((n) => n <= 64), `batches: ${sizes}`);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 150);
    items.forEach((item, i) => assert.equal(item.name, `many ${i}`));
    for (let i = 1; i < items.length; i++) assert.ok(items[i].createdAt >= items[i - 1].createdAt, `${i}`);
  });

  it('a batch is bounded in size too: large items go a few at a time', async () => {
    statements = [];
    const description = 'x'.repeat(300_000);
    const items = await Promise.all(Array.from({ length: 8 }, (_, i) => store.create({ name: `big ${i}`, description, tags: [] })));
    const sizes = batches().map((s) => s.items);
    assert.ok(sizes.every((n) => n <= 3), `batches: ${sizes}`); // 1 MiB of JSON at most
    assert.equal(sizes.reduce((a, b) => a + b, 0) + statements.filter((s) => s.name === 'items-create').length, 8);
    for (const item of items) assert.equal(item.description.length, 300_000);
  });

  it('when the database is down, every create in the batch gets the 503 error at once, without retries', async () => {
    await db.stop();
    try {
      statements = [];
      const results = await Promise.allSettled([1, 2, 3].map((i) => store.create({ name: `down ${i}`, tags: [] })));
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof StoreUnavailableError, String(r.reason));
      }
      assert.deepEqual(statements.map((s) => s.name), ['items-create-batch']);
    } finally {
      await db.start();
    }
    const item = await store.create({ name: 'after the restart', tags: [] }); // the store recovers
    assert.deepEqual(await store.get(item.id), item);
  });
});

describe('group commit through the API (PostgreSQL)', () => {
  let db;
  let service;
  before(async () => {
    db = await startPostgres();
    service = await startService({ ...db.env, LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await service?.stop();
    await db?.dispose();
  });

  it('concurrent POSTs: each answers for itself (201 with its Location, 409, 400), and the rows are all there', async () => {
    assert.equal((await call(service.url, 'POST', '/items', { id: 'api-taken', name: 'first' })).status, 201);
    const bodies = [
      ...Array.from({ length: 20 }, (_, i) => ({ name: `api ${i}`, price: i })),
      { id: 'api-taken', name: 'again' },
      { name: 'nul \u0000' },
      { id: 'api-own', name: 'own id' },
    ];
    const answers = await Promise.all(bodies.map((body) => call(service.url, 'POST', '/items', body)));
    for (let i = 0; i < 20; i++) {
      assert.equal(answers[i].status, 201, JSON.stringify(answers[i].body));
      assert.equal(answers[i].body.name, `api ${i}`);
      assert.equal(answers[i].headers.get('location'), `/items/${answers[i].body.id}`);
      assert.deepEqual((await call(service.url, 'GET', `/items/${answers[i].body.id}`)).body, answers[i].body);
    }
    assert.equal(new Set(answers.slice(0, 20).map((a) => a.body.id)).size, 20);
    assert.equal(answers[20].status, 409);
    assert.equal(answers[20].body.error.code, 'conflict');
    assert.equal(answers[21].status, 400);
    assert.equal(answers[22].status, 201);
    assert.equal(answers[22].body.id, 'api-own');
    assert.equal((await call(service.url, 'GET', '/items/api-taken')).body.name, 'first');
  });
});

describe('group commit when the database stops answering', () => {
  it('creates past the queue bound get a 503 at once; the waiting ones fail with the stalled batch', async () => {
    // A pool whose query never answers until released: a black-holed connection (query_timeout ends it in production).
    let release;
    const stalled = new Promise((resolve) => { release = resolve; });
    const pool = { on() {}, query: () => stalled.then(() => { throw Object.assign(new Error('Query read timeout'), {}); }), end: async () => {} };
    const store = new PostgresStore(pool, undefined, createLogger('error', () => {}));
    store.schemaReady = Promise.resolve();
    const waiting = Array.from({ length: 64 }, (_, i) => store.create({ name: `w${i}` }).then(() => 'ok', (err) => err));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch (64) is out and stalls
    // 1,024 more wait behind it: the queue's bound.
    waiting.push(...Array.from({ length: 1024 }, (_, i) => store.create({ name: `q${i}` }).then(() => 'ok', (err) => err)));
    // Raced with a timer: were it queued instead, the test would see 'still waiting' (and not hang).
    const refused = await Promise.race([
      store.create({ name: 'one too many' }).then(() => 'ok', (err) => err),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000)),
    ]);
    assert.ok(refused instanceof StoreUnavailableError, String(refused));
    assert.match(refused.message, /creates are already waiting for the database/);
    release();
    const outcomes = await Promise.all(waiting);
    // A read timeout is the database being unreachable: every waiting create gets the 503, none hangs.
    assert.ok(outcomes.every((o) => o instanceof StoreUnavailableError), String(outcomes.find((o) => !(o instanceof StoreUnavailableError))));
  });
});

