// The scenario's bookkeeping, against a small fake service whose failures we choose.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { EXPECTED, STEPS, USER_AGENT, percentile, runScenario, thresholdFailures } from '../scenario.js';

describe('load scenario', () => {
  let server;
  let url;
  const seen = [];
  const agents = new Set();
  before(async () => {
    let n = 0;
    const items = new Map();
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url.replace(/\/items\/[^?]+$/, '/items/:id')}`);
        agents.add(req.headers['user-agent']);
        const reply = (status, json) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(json ? JSON.stringify(json) : ''); };
        const id = req.url.split('/').pop();
        if (req.method === 'POST') {
          const item = { id: `${++n}`, version: 1, ...JSON.parse(body) };
          items.set(item.id, item);
          return reply(201, item);
        }
        if (req.method === 'DELETE') return reply(Number(id) % 4 === 0 ? 500 : 200, { id, deleted: true }); // every 4th delete fails
        if (req.method === 'PUT') return reply(JSON.parse(body).version === 1 ? 200 : 409, items.get(id));
        return reply(200, req.url.includes('?') ? { items: [] } : items.get(id));
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${server.address().port}/api`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('runs create → read → update → list → delete under the URL path and counts wrong statuses as failures', async () => {
    const summary = await runScenario({ url, vus: 1, durationSeconds: 1 });
    assert.deepEqual(seen.slice(0, 5),
      ['POST /api/items', 'GET /api/items/:id', 'PUT /api/items/:id', 'GET /api/items?limit=10', 'DELETE /api/items/:id']);
    const deletes = seen.filter((s) => s.startsWith('DELETE')).length;
    const failedDeletes = summary.failures['delete 500'];
    assert.ok(failedDeletes >= Math.floor(deletes / 4) - 2 && failedDeletes <= Math.ceil(deletes / 4) + 2, `${failedDeletes} of ${deletes}`);
    assert.ok(Math.abs(summary.successRate - (1 - failedDeletes / summary.requests)) < 1e-9);
    assert.ok(summary.successRate < 0.97 && summary.successRate > 0.9);
    assert.deepEqual(thresholdFailures(summary, { minSuccessRate: 0.99 }).length, 1);
    assert.deepEqual(thresholdFailures(summary, { minSuccessRate: 0.9 }), []);
    assert.deepEqual([...agents], [USER_AGENT], 'every request has a User-Agent (the WAF blocks those without)');
  });

  it('fails the thresholds when nothing answers', async () => {
    const summary = await runScenario({ url: 'http://127.0.0.1:1', vus: 1, durationSeconds: 1 });
    assert.equal(summary.successRate, 0);
    assert.ok(summary.failures.errors > 0);
    assert.match(thresholdFailures(summary, { minSuccessRate: 0.5 }).join(), /success rate 0.00%/);
  });

  it('reports nearest-rank percentiles and checks p99 against its threshold', () => {
    const times = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual([percentile(times, 50), percentile(times, 95), percentile(times, 99), percentile(times, 100)], [50, 95, 99, 100]);
    const summary = { requests: 100, successRate: 1, latencyMs: { p99: 250 } };
    assert.deepEqual(thresholdFailures(summary, { minSuccessRate: 0.99, maxP99Ms: 300 }), []);
    assert.deepEqual(thresholdFailures(summary, { minSuccessRate: 0.99, maxP99Ms: 200 }), ['p99 250 ms > 200 ms']);
  });

  it('the k6 script parses and checks the same steps and statuses', () => {
    const k6 = new URL('../items-scenario.k6.js', import.meta.url);
    execFileSync(process.execPath, ['--check', k6.pathname]);
    const checks = [...fs.readFileSync(k6, 'utf8').matchAll(/'(\w+) (\d{3})': \(r\) => r\.status === (\d{3})/g)];
    assert.deepEqual(checks.map((m) => [m[1], Number(m[2]), Number(m[3])]), STEPS.map((step, i) => [step, EXPECTED[i], EXPECTED[i]]));
  });
});
