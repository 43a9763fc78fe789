// What a rolling deployment and a database outage look like from the outside.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BACKENDS, call, startService, waitFor } from './servers.js';

/** One HTTP request on a keep-alive agent; resolves with status, headers and parsed body. */
function request(agent, base, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(base + path, {
      method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A client like a load balancer's: keeps its connection alive, and stops sending on it once the
 * service answers `Connection: close` (draining). Every request must succeed.
 */
async function crudWorker(base, stats) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let closing = false;
  const step = async (method, path, body, expected) => {
    if (closing) return undefined;
    try {
      const res = await request(agent, base, method, path, body);
      if (res.headers.connection === 'close') closing = true;
      if (res.status !== expected) stats.failures.push(`${method} ${path} → ${res.status}`);
      stats[stats.terminated ? 'afterSignal' : 'beforeSignal']++;
      return res.body;
    } catch (err) {
      stats.failures.push(`${method} ${path} → ${err.code ?? err.message}`);
      closing = true;
      return undefined;
    }
  };
  while (!closing) {
    const item = await step('POST', '/items', { name: 'load', quantity: 1 }, 201);
    if (!item) break;
    await step('GET', `/items/${item.id}`, undefined, 200);
    await step('PUT', `/items/${item.id}`, { name: 'load', quantity: 2, version: 1 }, 200);
    await step('GET', '/items?limit=10', undefined, 200);
    await step('DELETE', `/items/${item.id}`, undefined, 200);
  }
  agent.destroy();
}

/** A POST whose body arrives in two parts, `gapMs` apart: in flight across the signal. */
function slowPost(base, gapMs) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.write('{"name": "slow ');
    setTimeout(() => req.end('upload"}'), gapMs);
  });
}

for (const backend of BACKENDS) {
  describe(`resilience on ${backend.name}`, () => {
    let db;
    before(async () => { db = await backend.start(); });
    after(async () => { await db?.dispose(); });

    it('SIGTERM under load: in-flight and draining requests all succeed, then the process exits 0', async (t) => {
      const service = await startService({ ...db.env, SHUTDOWN_DRAIN_MS: '300', LOG_LEVEL: 'info' });
      const stats = { beforeSignal: 0, afterSignal: 0, failures: [], terminated: false };
      const workers = Array.from({ length: 16 }, () => crudWorker(service.url, stats));
      await waitFor(() => stats.beforeSignal >= 200);
      const slow = slowPost(service.url, 800);
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats.terminated = true;
      service.child.kill('SIGTERM');
      await Promise.all(workers);
      assert.equal(await slow, 201, 'the request still uploading at SIGTERM completes');
      const { code } = await service.exited;
      assert.deepEqual(stats.failures, []);
      assert.ok(stats.afterSignal > 0, 'requests kept being answered while draining');
      assert.equal(code, 0);
      t.diagnostic(`${stats.beforeSignal} requests before SIGTERM, ${stats.afterSignal} after it, ${stats.failures.length} failed`);
      const messages = service.logs().map((l) => l.msg);
      assert.ok(messages.indexOf('shutdown started') < messages.indexOf('shutdown complete'));
      assert.ok(messages.indexOf('shutdown started') >= 0);
    });

    it('database down: /readyz and data requests answer 503, then recover when it is back', async () => {
      const service = await startService(db.env);
      try {
        const item = (await call(service.url, 'POST', '/items', { name: 'survivor' })).body;
        await db.stop();
        const ready = await call(service.url, 'GET', '/readyz');
        assert.equal(ready.status, 503);
        const read = await call(service.url, 'GET', `/items/${item.id}`);
        assert.equal(read.status, 503);
        assert.equal(read.headers.get('retry-after'), '2');
        assert.equal(read.body.error.code, 'unavailable');
        assert.equal((await call(service.url, 'POST', '/items', { name: 'while down' })).status, 503);
        assert.equal((await call(service.url, 'GET', '/healthz')).status, 200, 'liveness does not depend on the database');
        await db.start();
        await waitFor(async () => (await call(service.url, 'GET', '/readyz')).status === 200);
        assert.deepEqual((await call(service.url, 'GET', `/items/${item.id}`)).body, item);
        assert.equal((await call(service.url, 'POST', '/items', { name: 'after' })).status, 201);
        const metrics = await call(service.url, 'GET', '/metrics');
        assert.match(metrics.text, /items_store_unavailable_total [1-9]/);
      } finally {
        await service.stop();
      }
    });

    it('starts while the database is down and creates its schema once it is up', async () => {
      await db.stop();
      const env = backend.name === 'dynamodb' ? { ...db.env, DYNAMODB_TABLE: 'items-late' } : db.env;
      const service = await startService(env);
      try {
        assert.equal((await call(service.url, 'GET', '/readyz')).status, 503);
        assert.equal((await call(service.url, 'GET', '/items')).status, 503);
        await db.start();
        await waitFor(async () => (await call(service.url, 'GET', '/readyz')).status === 200);
        assert.equal((await call(service.url, 'POST', '/items', { name: 'late' })).status, 201);
      } finally {
        await service.stop();
      }
    });
  });
}
