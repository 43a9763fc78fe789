// Reads by id that arrive together share one query (PostgresStore.get): each caller still gets its
// own item, a 404 for a missing id, and the database's error when the query fails. Real PostgreSQL 18.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { StoreUnavailableError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { PostgresStore } from '../src/stores/postgres.js';
import { startPostgres } from './servers.js';

describe('batched reads (PostgreSQL)', () => {
  let db;
  let store;
  let queries = [];

  before(async () => {
    db = await startPostgres();
    store = new PostgresStore(new pg.Pool({ connectionString: db.url, max: 4 }), undefined, createLogger('warn', () => {}));
    const query = store.pool.query.bind(store.pool);
    store.pool.query = (...args) => { queries.push(args[0].name ?? args[0]); return query(...args); };
  });
  after(async () => {
    await store.close();
    await db.dispose();
  });

  it('reads in the same turn share one query; each gets its own item or a 404', async () => {
    const items = [];
    for (let i = 0; i < 5; i++) items.push(await store.create({ name: `batch ${i}`, price: i, tags: [`t${i}`] }));
    const missing = '00000000-0000-4000-8000-000000000000';
    queries = [];
    const ids = [...items.map((x) => x.id), items[0].id, missing];
    const results = await Promise.allSettled(ids.map((id) => store.get(id)));
    assert.deepEqual(queries, ['items-get-many']);
    for (let i = 0; i < 5; i++) assert.deepEqual(results[i].value, items[i]);
    assert.deepEqual(results[5].value, items[0]); // the same id twice: both answered
    assert.notEqual(results[5].value, results[0].value); // each caller gets an object of its own
    assert.equal(results[6].status, 'rejected');
    assert.equal(results[6].reason.status, 404);
  });

  it('a read alone runs the single-row statement', async () => {
    const item = await store.create({ name: 'alone', tags: [] });
    queries = [];
    assert.deepEqual(await store.get(item.id), item);
    assert.deepEqual(queries, ['items-get']);
  });

  it('reads in separate turns are separate queries, and see writes made between them', async () => {
    const item = await store.create({ name: 'before', tags: [] });
    queries = [];
    await store.get(item.id);
    const updated = await store.replace(item.id, { name: 'after', tags: [], expectedVersion: 1 });
    assert.deepEqual(await store.get(item.id), updated);
    assert.equal(queries.filter((q) => String(q).startsWith('items-get')).length, 2);
  });

  it('when the batch query fails, every read in it gets the error', async () => {
    const item = await store.create({ name: 'doomed', tags: [] });
    await db.stop();
    try {
      const results = await Promise.allSettled([store.get(item.id), store.get(item.id)]);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof StoreUnavailableError, String(r.reason));
      }
    } finally {
      await db.start();
    }
  });
});
