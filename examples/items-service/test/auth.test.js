// Signed-in writes with Cognito access tokens: tokens signed here with the claims Cognito sets, a
// JWKS served on loopback (COGNITO_JWKS_URI), and aws-jwt-verify in the service doing the checks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { authEnv, bearer, createPool, serveJwks } from './cognito.js';
import { BACKENDS, call, freePort, startPostgres, startService } from './servers.js';

const assertUnauthorized = (res, error) => {
  assert.equal(res.status, 401, res.text);
  assert.equal(res.body.error.code, 'unauthorized');
  const challenge = res.headers.get('www-authenticate');
  assert.match(challenge, /^Bearer\b/);
  if (error) assert.match(challenge, new RegExp(`error="${error}"`));
};

describe('sign-in tokens (PostgreSQL)', () => {
  const pool = createPool();
  let db;
  let jwks;
  let service;
  before(async () => {
    db = await startPostgres();
    jwks = await serveJwks(pool);
    service = await startService({ ...db.env, ...authEnv(jwks.url) });
  });
  after(async () => {
    await service?.stop();
    await jwks?.close();
    await db?.dispose();
  });

  it('POST with a valid access token: 201, and the item\'s owner is the token\'s sub', async () => {
    const sub = randomUUID();
    const created = await call(service.url, 'POST', '/items', { name: 'mine' }, bearer(pool.accessToken({ sub })));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.owner, sub);
    assert.equal((await call(service.url, 'GET', `/items/${created.body.id}`)).body.owner, sub);
  });

  it('reads stay public by default', async () => {
    const created = await call(service.url, 'POST', '/items', { name: 'public read' }, bearer(pool.accessToken()));
    assert.equal((await call(service.url, 'GET', `/items/${created.body.id}`)).status, 200);
    assert.equal((await call(service.url, 'GET', '/items?limit=5')).status, 200);
  });

  it('POST without a token: 401 with WWW-Authenticate: Bearer, and nothing stored', async () => {
    const id = `anon-${randomUUID()}`;
    const res = await call(service.url, 'POST', '/items', { id, name: 'anonymous' });
    assertUnauthorized(res);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer', 'no error code when no token was sent (RFC 6750)');
    assert.equal((await call(service.url, 'GET', `/items/${id}`)).status, 404);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const other = createPool('eu-west-1_Other999');
  const bad = {
    'an expired token': () => pool.accessToken({ exp: now() - 60, iat: now() - 3660 }),
    'a token for another app client (client_id)': () => pool.accessToken({ client_id: 'another-client' }),
    'a token of another user pool (iss), signed by that pool': () => other.accessToken(),
    'a token of another user pool (iss), signed with this pool\'s key': () => pool.accessToken({ iss: other.issuer }),
    'a tampered token (a payload character changed, signature kept)': () => {
      const [header, payload, signature] = pool.accessToken({ sub: 'aaaaaaaa-0000-4000-8000-000000000000' }).split('.');
      const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('aaaaaaaa', 'baaaaaaa')).toString('base64url');
      return `${header}.${forged}.${signature}`;
    },
    'a malformed token': () => 'abc',
    'an id token instead of an access token': () => pool.idToken(),
    'a token signed with an unknown key': () => createPool().accessToken(),
    'an unsigned token (alg none)': () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${pool.accessToken().split('.')[1]}.`,
  };
  for (const [name, token] of Object.entries(bad)) {
    it(`POST with ${name}: 401 invalid_token, never a 5xx`, async () => {
      const res = await call(service.url, 'POST', '/items', { name: 'refused' }, bearer(token()));
      assertUnauthorized(res, 'invalid_token');
      assert.ok(res.body.error.message.length < 60, `a short reason, not the verifier's detail: ${res.body.error.message}`);
    });
  }

  it('says why in a few words: expired, another client, not an access token', async () => {
    const message = async (token) => (await call(service.url, 'POST', '/items', { name: 'x' }, bearer(token))).body.error.message;
    assert.match(await message(pool.accessToken({ exp: now() - 60 })), /expired/);
    assert.match(await message(pool.accessToken({ client_id: 'another-client' })), /another client/);
    assert.match(await message(pool.idToken()), /Not an access token/);
  });

  it('counts refusals in items_auth_failures_total by reason', async () => {
    const metrics = (await call(service.url, 'GET', '/metrics')).text;
    assert.match(metrics, /items_auth_failures_total\{reason="missing"\} [1-9]/);
    assert.match(metrics, /items_auth_failures_total\{reason="invalid_token"\} [1-9]/);
    assert.doesNotMatch(metrics, /status="5\d\d"/);
  });

  describe('with AUTH_READS=signed-in', () => {
    let closed;
    before(async () => { closed = await startService({ ...db.env, ...authEnv(jwks.url, { AUTH_READS: 'signed-in' }) }); });
    after(async () => { await closed?.stop(); });

    it('GET and list need a valid token; probes stay open', async () => {
      const item = (await call(closed.url, 'POST', '/items', { name: 'private' }, bearer(pool.accessToken()))).body;
      assertUnauthorized(await call(closed.url, 'GET', `/items/${item.id}`));
      assertUnauthorized(await call(closed.url, 'GET', '/items'));
      assertUnauthorized(await call(closed.url, 'GET', '/items', undefined, bearer(pool.accessToken({ exp: now() - 1 }))), 'invalid_token');
      assert.equal((await call(closed.url, 'GET', `/items/${item.id}`, undefined, bearer(pool.accessToken()))).status, 200);
      assert.equal((await call(closed.url, 'GET', '/items', undefined, bearer(pool.accessToken()))).status, 200);
      for (const probe of ['/healthz', '/readyz', '/metrics']) assert.equal((await call(closed.url, 'GET', probe)).status, 200, probe);
    });
  });
});

describe('the user pool\'s keys (JWKS)', () => {
  const pool = createPool();
  let db;
  before(async () => { db = await startPostgres(); });
  after(async () => { await db?.dispose(); });

  it('unreachable: 503 with Retry-After (not the client\'s fault), then 201 once it answers', async () => {
    const port = await freePort(); // nothing listens there yet
    const service = await startService({ ...db.env, ...authEnv(`http://127.0.0.1:${port}/.well-known/jwks.json`) });
    let jwks;
    try {
      const token = pool.accessToken();
      const res = await call(service.url, 'POST', '/items', { name: 'waiting' }, bearer(token));
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers.get('retry-after'), '2');
      assert.equal(res.body.error.code, 'unavailable');
      assert.match((await call(service.url, 'GET', '/metrics')).text, /items_auth_failures_total\{reason="jwks_unavailable"\} [1-9]/);
      assert.equal((await call(service.url, 'GET', '/readyz')).status, 200, 'readiness is about the database only');
      jwks = await serveJwks(pool, { port });
      assert.equal((await call(service.url, 'POST', '/items', { name: 'now' }, bearer(token))).status, 201);
    } finally {
      await service.stop();
      await jwks?.close();
    }
  });

  it('slow: the first signed-in request waits for the keys fetched at start instead of failing', async () => {
    const jwks = await serveJwks(pool, { delayMs: 1500 });
    const service = await startService({ ...db.env, ...authEnv(jwks.url) });
    try {
      const res = await call(service.url, 'POST', '/items', { name: 'first' }, bearer(pool.accessToken()));
      assert.equal(res.status, 201, res.text);
      assert.equal((await call(service.url, 'POST', '/items', { name: 'second' }, bearer(pool.accessToken()))).status, 201);
      assert.ok(jwks.requests() <= 2, `keys fetched once per issuer form at start and then cached (${jwks.requests()} fetches)`);
    } finally {
      await service.stop();
      await jwks.close();
    }
  });
});

for (const backend of BACKENDS) {
  describe(`owners on ${backend.name}`, () => {
    const pool = createPool();
    const alice = randomUUID();
    const bob = randomUUID();
    let db;
    let jwks;
    let service;
    let legacy;
    before(async () => {
      db = await backend.start();
      jwks = await serveJwks(pool);
      if (backend.name === 'postgres') {
        // A table from before sign-in (no owner column), with an item in it: the start-up migration adds the column.
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        await client.query(`CREATE TABLE items (id text PRIMARY KEY, name text NOT NULL, description text, price double precision,
          quantity integer, tags text[] NOT NULL DEFAULT '{}', version integer NOT NULL DEFAULT 1,
          created_at timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
        await client.query('INSERT INTO items (id, name) VALUES ($1, $2)', ['legacy-1', 'from before sign-in']);
        await client.end();
        legacy = 'legacy-1';
      } else {
        const open = await startService(db.env); // sign-in off, as before
        legacy = (await call(open.url, 'POST', '/items', { name: 'from before sign-in' })).body.id;
        await open.stop();
      }
      service = await startService({ ...db.env, ...authEnv(jwks.url) });
    });
    after(async () => {
      await service?.stop();
      await jwks?.close();
      await db?.dispose();
    });

    const as = (sub) => bearer(pool.accessToken({ sub }));

    it('the owner may replace and delete their item: 200', async () => {
      const item = (await call(service.url, 'POST', '/items', { name: 'alice\'s' }, as(alice))).body;
      const replaced = await call(service.url, 'PUT', `/items/${item.id}`, { name: 'alice\'s, renamed', version: 1 }, as(alice));
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.body.owner, alice, 'a replace keeps the owner');
      assert.equal(replaced.body.version, 2);
      assert.equal((await call(service.url, 'DELETE', `/items/${item.id}`, undefined, as(alice))).status, 200);
    });

    it('another signed-in user: 403 on PUT and DELETE, and the item is unchanged', async () => {
      const item = (await call(service.url, 'POST', '/items', { name: 'alice\'s' }, as(alice))).body;
      for (const [method, body] of [['PUT', { name: 'bob was here' }], ['PUT', { name: 'stale too', version: 7 }], ['DELETE']]) {
        const res = await call(service.url, method, `/items/${item.id}`, body, as(bob));
        assert.equal(res.status, 403, `${method} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
        assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message']);
        assert.equal(res.body.error.code, 'forbidden');
      }
      assert.deepEqual((await call(service.url, 'GET', `/items/${item.id}`)).body, item);
      assert.match((await call(service.url, 'GET', '/metrics')).text, /items_auth_failures_total\{reason="forbidden"\} [1-9]/);
    });

    it('PUT and DELETE without a token: 401; of a missing item: 404; the owner\'s stale version: 409', async () => {
      const item = (await call(service.url, 'POST', '/items', { name: 'alice\'s' }, as(alice))).body;
      assertUnauthorized(await call(service.url, 'PUT', `/items/${item.id}`, { name: 'x' }));
      assertUnauthorized(await call(service.url, 'DELETE', `/items/${item.id}`));
      assert.equal((await call(service.url, 'PUT', `/items/nobody-${randomUUID()}`, { name: 'x' }, as(alice))).status, 404);
      assert.equal((await call(service.url, 'DELETE', `/items/nobody-${randomUUID()}`, undefined, as(alice))).status, 404);
      assert.equal((await call(service.url, 'PUT', `/items/${item.id}`, { name: 'x', version: 5 }, as(alice))).status, 409);
    });

    it('an item from before sign-in has no owner: readable, but no signed-in user may change or delete it', async () => {
      const read = await call(service.url, 'GET', `/items/${legacy}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.name, 'from before sign-in');
      assert.ok(!('owner' in read.body), 'no owner field for an item without one');
      for (const sub of [alice, bob]) {
        assert.equal((await call(service.url, 'PUT', `/items/${legacy}`, { name: 'claimed' }, as(sub))).status, 403);
        assert.equal((await call(service.url, 'DELETE', `/items/${legacy}`, undefined, as(sub))).status, 403);
      }
      assert.equal((await call(service.url, 'GET', `/items/${legacy}`)).body.name, 'from before sign-in');
    });
  });
}
