// The API contract, against real PostgreSQL and a real DynamoDB-compatible server.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, call, startService, waitFor } from './servers.js';

for (const backend of BACKENDS) {
  describe(`items API on ${backend.name}`, () => {
    let db;
    let service;
    let base;
    before(async () => {
      db = await backend.start();
      service = await startService({ ...db.env, BASE_PATH: '/api', MAX_BODY_BYTES: '2048' });
      base = `${service.url}/api`;
    });
    after(async () => {
      await service?.stop();
      await db?.dispose();
    });

    it('creates, reads, replaces and deletes an item', async () => {
      const created = await call(base, 'POST', '/items', { name: 'Lamp', price: 19.5, quantity: 3, tags: ['home'] });
      assert.equal(created.status, 201);
      assert.match(created.body.id, /^[0-9a-f-]{36}$/);
      assert.equal(created.headers.get('location'), `/api/items/${created.body.id}`);
      assert.deepEqual({ ...created.body, id: undefined, createdAt: undefined, updatedAt: undefined },
        { id: undefined, name: 'Lamp', price: 19.5, quantity: 3, tags: ['home'], version: 1, createdAt: undefined, updatedAt: undefined });

      const read = await call(base, 'GET', `/items/${created.body.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created.body);

      const replaced = await call(base, 'PUT', `/items/${created.body.id}`, { name: 'Desk lamp', description: 'LED', version: 1 });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.version, 2);
      assert.equal(replaced.body.name, 'Desk lamp');
      assert.equal(replaced.body.description, 'LED');
      assert.equal(replaced.body.price, undefined, 'PUT replaces the whole item: fields left out are removed');
      assert.deepEqual(replaced.body.tags, []);
      assert.equal(replaced.body.createdAt, created.body.createdAt);

      const deleted = await call(base, 'DELETE', `/items/${created.body.id}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { id: created.body.id, deleted: true });
      assert.equal((await call(base, 'GET', `/items/${created.body.id}`)).status, 404);
      assert.equal((await call(base, 'DELETE', `/items/${created.body.id}`)).status, 404);
      assert.equal((await call(base, 'PUT', `/items/${created.body.id}`, { name: 'x' })).status, 404);
    });

    it('speaks the contract the users\' clients expect: their own ids, 201 on create, 200 on read, update and delete', async () => {
      const one = `1-${backend.name}`; // the client's own short id (unique per backend in this shared database)
      const created = await call(base, 'POST', '/items', { id: one, name: 'Item One' });
      assert.equal(created.status, 201);
      assert.equal(created.body.id, one);
      assert.equal(created.headers.get('location'), `/api/items/${one}`);
      assert.equal((await call(base, 'GET', `/items/${one}`)).status, 200);
      assert.equal((await call(base, 'GET', `/items/${one}`)).body.name, 'Item One');
      assert.equal((await call(base, 'PUT', `/items/${one}`, { name: 'Item One, renamed' })).status, 200);
      assert.equal((await call(base, 'POST', '/items', { id: one, name: 'again' })).status, 409, 'a taken id stays a 409');
      const deleted = await call(base, 'DELETE', `/items/${one}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { id: one, deleted: true });
      // Ids are case-sensitive, URL-safe as they are, up to 64 characters.
      for (const id of ['A', 'a', 'sku_42.v2~x', 'x'.repeat(64)]) {
        assert.equal((await call(base, 'POST', '/items', { id, name: id })).status, 201, id);
        assert.equal((await call(base, 'GET', `/items/${id}`)).body.name, id);
      }
    });

    it('answers 409 for a duplicate id and for a stale version', async () => {
      const id = crypto.randomUUID();
      assert.equal((await call(base, 'POST', '/items', { id, name: 'first' })).status, 201);
      const duplicate = await call(base, 'POST', '/items', { id, name: 'second' });
      assert.equal(duplicate.status, 409);
      assert.equal(duplicate.body.error.code, 'conflict');
      assert.equal((await call(base, 'PUT', `/items/${id}`, { name: 'v2', version: 1 })).status, 200);
      const stale = await call(base, 'PUT', `/items/${id}`, { name: 'lost update', version: 1 });
      assert.equal(stale.status, 409);
      assert.match(stale.body.error.message, /version 2/);
      assert.equal((await call(base, 'GET', `/items/${id}`)).body.name, 'v2');
    });

    it('pages through every item exactly once', async () => {
      const ids = new Set();
      for (let i = 0; i < 23; i++) ids.add((await call(base, 'POST', '/items', { name: `page item ${i}` })).body.id);
      const seen = [];
      let cursor;
      let pages = 0;
      do {
        const page = await call(base, 'GET', `/items?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(page.status, 200);
        assert.ok(page.body.items.length <= 5);
        seen.push(...page.body.items.map((item) => item.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      assert.equal(new Set(seen).size, seen.length, 'no item twice');
      for (const id of ids) assert.ok(seen.includes(id), `item ${id} listed`);
    });

    it('answers 400 for invalid bodies, ids and queries', async () => {
      const cases = [
        ['POST', '/items', '{"name": "unterminated'],
        ['POST', '/items', { name: '' }],
        ['POST', '/items', { name: 'x', price: -1 }],
        ['POST', '/items', { name: 'x', quantity: 1.5 }],
        ['POST', '/items', { name: 'x', tags: ['a', 'a'] }],
        ['POST', '/items', { name: 'x', colour: 'red' }],
        ['POST', '/items', { id: 'has space', name: 'x' }],
        ['POST', '/items', { id: '', name: 'x' }],
        ['POST', '/items', { id: '.hidden', name: 'x' }],
        ['POST', '/items', { id: 'x'.repeat(65), name: 'x' }],
        ['POST', '/items', { id: 1, name: 'x' }],
        ['POST', '/items', [{ name: 'x' }]],
        ['POST', '/items', 'null'],
        ['PUT', `/items/${crypto.randomUUID()}`, { name: 'x', version: 0 }],
        ['GET', `/items/${'x'.repeat(65)}`],
        ['GET', '/items/a%2Fb'],
        ['GET', '/items/.hidden'],
        ['GET', '/items/%E0%A4%A'],
        ['GET', '/items?limit=0'],
        ['GET', '/items?limit=101'],
        ['GET', '/items?limit=abc'],
        ['GET', '/items?cursor=%%%'],
        ['GET', `/items?cursor=${Buffer.from('{"pk":"has space"}').toString('base64url')}`],
        ['GET', `/items?cursor=${Buffer.from('{"c":"2026-13-45 99:99:99","i":"00000000-0000-4000-8000-000000000000"}').toString('base64url')}`],
        ['GET', '/items?sort=name'],
      ];
      for (const [method, path, body] of cases) {
        const res = await call(base, method, path, body);
        assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
        assert.equal(res.body.error.code, 'bad_request');
      }
      const detailed = await call(base, 'POST', '/items', { price: 'free' });
      assert.deepEqual(detailed.body.error.details.map((d) => d.field).sort(), ['name', 'price']);
    });

    it('answers 413 for bodies over the limit and 415 for other media types', async () => {
      const big = await call(base, 'POST', '/items', { name: 'x', description: 'y'.repeat(3000) });
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'payload_too_large');
      const text = await call(base, 'POST', '/items', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(text.status, 415);
      const none = await call(base, 'PUT', `/items/${crypto.randomUUID()}`, '{"name":"x"}', { 'content-type': '' });
      assert.equal(none.status, 415);
      assert.equal((await call(base, 'POST', '/items', { name: 'charset ok' }, { 'content-type': 'application/json; charset=utf-8' })).status, 201);
    });

    it('answers 404 for unknown routes and 405 with Allow for unknown methods', async () => {
      assert.equal((await call(service.url, 'GET', '/nowhere')).status, 404);
      const wrong = await call(base, 'PATCH', '/items');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get('allow'), 'GET, POST');
      assert.equal((await call(base, 'POST', `/items/${crypto.randomUUID()}`, { name: 'x' })).headers.get('allow'), 'GET, PUT, DELETE');
    });

    it('never answers 5xx to malformed input', async () => {
      const bodies = ['', ' ', '{', '[]', '123', '"str"', 'true', '{"name":null}', '{"name":{"a":1}}', '{"name":"x","tags":"a"}',
        '{"name":"x","tags":[1]}', '{"name":"x","price":"1e999"}', `{"name":"${'\u0000'}"}`, '{"__proto__":{"x":1},"name":"x"}',
        '{"name":"x","tags":[' + '"t",'.repeat(30) + '"u"]}', '\uFEFF{"name":"bom"}', '{"name":"' + 'n'.repeat(201) + '"}',
        '{"name":"a\\u0000b"}', '{"name":"x","description":"\\u0000"}', '{"name":"x","price":1e-131}', '{"name":"\\ud800"}'];
      for (const body of bodies) {
        for (const [method, path] of [['POST', '/items'], ['PUT', `/items/${crypto.randomUUID()}`]]) {
          const res = await call(base, method, path, body);
          assert.ok(res.status < 500, `${method} ${JSON.stringify(body).slice(0, 40)} → ${res.status} ${res.text}`);
        }
      }
    });

    it('answers 400 to a request target that is not a URL, and counts a client that hangs up mid-body as 499', async () => {
      const { port } = new URL(service.url);
      const raw = (text, hangUp) => new Promise((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(text);
          if (hangUp) setTimeout(() => { socket.destroy(); resolve(''); }, 100);
        });
        let answer = '';
        socket.on('data', (chunk) => { answer += chunk; });
        socket.on('end', () => resolve(answer));
        socket.on('error', () => resolve(answer));
      });
      assert.match(await raw('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 400 /);
      await raw('POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":', true);
      await waitFor(async () => /status="499"/.test((await call(service.url, 'GET', '/metrics')).text));
      const metrics = (await call(service.url, 'GET', '/metrics')).text;
      assert.doesNotMatch(metrics, /status="5\d\d"/);
    });

    it('keeps /healthz, /readyz and /metrics off the public base path', async () => {
      for (const probe of ['/healthz', '/readyz', '/metrics']) {
        assert.equal((await call(base, 'GET', probe)).status, 404, `${probe} under /api`);
      }
      assert.equal((await call(service.url, 'GET', '/items')).status, 404, 'the API lives under BASE_PATH only');
    });

    it('serves /healthz, /readyz and Prometheus /metrics', async () => {
      assert.deepEqual((await call(service.url, 'GET', '/healthz')).body, { status: 'ok' });
      assert.deepEqual((await call(service.url, 'GET', '/readyz')).body, { status: 'ready', store: backend.name });
      const metrics = await call(service.url, 'GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
      assert.match(metrics.text, /http_requests_total\{method="POST",route="\/items",status="201"\} [1-9]/);
      assert.match(metrics.text, /http_requests_total\{method="POST",route="\/items",status="400"\} [1-9]/);
      assert.match(metrics.text, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/items\/\{id\}"\}/);
      assert.match(metrics.text, /process_cpu_seconds_total/);
      if (backend.name === 'postgres') assert.match(metrics.text, /db_pool_connections\{state="total"\} [1-9]/);
    });

    it('logs every line as JSON, with one access log per API request', async () => {
      const before = service.lines.length;
      await call(base, 'GET', '/items/00000000-0000-4000-8000-000000000000', undefined, { 'x-request-id': 'trace-me' });
      let access;
      await waitFor(() => (access = service.logs().slice(before).find((l) => l.requestId === 'trace-me')));
      assert.deepEqual({ ...access, time: undefined, ms: undefined }, {
        time: undefined, ms: undefined, level: 'info', msg: 'request', requestId: 'trace-me', method: 'GET',
        route: '/items/{id}', path: '/api/items/00000000-0000-4000-8000-000000000000', status: 404,
      });
      assert.ok(service.logs().every((l) => typeof l.time === 'string' && typeof l.level === 'string'));
    });
  });
}
