// The id contract on a database made before it: a table whose ids were uuid keeps every item,
// and takes the client-chosen ids the users' clients send.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { call, startPostgres, startService } from './servers.js';

describe('a PostgreSQL table from before client-chosen ids', () => {
  let db;
  let service;
  const old = '6f1c1b9e-3f0a-4c61-9d2e-0b7c5a1e2d33';
  before(async () => {
    db = await startPostgres();
    const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await client.connect();
    // The schema as the service created it before: uuid ids.
    await client.query(`CREATE TABLE items (id uuid PRIMARY KEY, name text NOT NULL, description text, price double precision,
      quantity integer, tags text[] NOT NULL DEFAULT '{}', version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await client.query('INSERT INTO items (id, name) VALUES ($1, $2)', [old, 'from before']);
    await client.end();
    service = await startService(db.env);
  });
  after(async () => {
    await service?.stop();
    await db?.dispose();
  });

  it('keeps the old items and takes ids such as "1"', async () => {
    assert.equal((await call(service.url, 'GET', `/items/${old}`)).body.name, 'from before');
    assert.equal((await call(service.url, 'POST', '/items', { id: '1', name: 'Item One' })).status, 201);
    const page = await call(service.url, 'GET', '/items?limit=1');
    assert.equal(page.body.items[0].id, old);
    assert.equal((await call(service.url, 'GET', `/items?limit=1&cursor=${page.body.nextCursor}`)).body.items[0].id, '1');
  });
});
