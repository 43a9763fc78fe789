// The CloudFront stand-in itself: its SPA rule is the one WebTier deploys, and it routes, serves
// and proxies as the distribution does. Against a small fake API that records what reaches it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import vm from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SECURITY_HEADERS, spaRewrite, startEdge } from './edge.js';
import { SITE } from './stack.js';

const WEB_TIER = fileURLToPath(new URL('../../../src/three-tier-app/web-tier.ts', import.meta.url));

/** The status of a GET whose path is sent as written (fetch would normalize it). */
function rawStatus(base, path) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(base), { path, timeout: 5000 }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in 5 s`)));
    req.on('error', reject);
  });
}

describe('the local CloudFront stand-in', () => {
  let api;
  let edge;
  const seen = [];
  before(async () => {
    api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, host: req.headers.host, body });
        res.writeHead(req.url.startsWith('/api/items') ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: [], nextCursor: null }));
      });
    });
    await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
    edge = await startEdge({ siteDir: SITE, apiUrl: `http://127.0.0.1:${api.address().port}` });
  });
  after(async () => {
    await edge?.close();
    await new Promise((resolve) => (api ? api.close(() => resolve()) : resolve()));
  });

  it('has the SPA rule of SPA_REWRITE_CODE in src/three-tier-app/web-tier.ts', () => {
    const source = fs.readFileSync(WEB_TIER, 'utf8');
    const match = source.match(/SPA_REWRITE_CODE = `([^`]*)`/);
    assert.ok(match, `SPA_REWRITE_CODE = \`...\` not found in ${WEB_TIER}: update test/edge.js's mirror and this test`);
    const handler = vm.runInNewContext(`${match[1]}; handler`);
    const uris = ['/', '/index.html', '/style.css', '/app.js', '/items', '/items/42', '/items/42/', '/a.b/c', '/v1.2/x.y',
      '/api', '/healthz', '/favicon.ico', '/deep/path/file.min.js', '/.well-known/x', '/café'];
    for (const uri of uris) {
      assert.equal(spaRewrite(uri), handler({ request: { uri } }).uri, uri);
    }
  });

  it('serves the site with the security headers, client-side routes as index.html, and only /api/* from the API', async () => {
    const index = fs.readFileSync(`${SITE}index.html`, 'utf8');
    for (const route of ['/', '/items', '/items/42', '/api', '/healthz', '/metrics']) {
      const res = await fetch(edge.url + route);
      assert.equal(res.status, 200, route);
      assert.match(res.headers.get('content-type'), /^text\/html/, route);
      assert.equal(await res.text(), index, `${route} is index.html`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers.get(name), value, `${route} ${name}`);
    }
    const css = await fetch(`${edge.url}/style.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type'), /^text\/css/);
    for (const missing of ['/missing.js', '/favicon.ico', '/..%2f..%2fpackage.json', '/x/..%2f..%2f..%2fbrowser%2fpackage.json']) {
      assert.equal(await rawStatus(edge.url, missing), 403, `${missing}: S3 without ListBucket answers 403, and nothing outside the site is served`);
    }
    assert.equal((await fetch(`${edge.url}/items`, { method: 'POST', body: '{}' })).status, 403, 'the site behaviour allows GET and HEAD only');
    assert.deepEqual(seen, [], 'nothing outside /api/* reached the API');

    const post = await fetch(`${edge.url}/api/items?limit=5`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    assert.equal(post.status, 200);
    assert.equal(post.headers.get('content-security-policy'), SECURITY_HEADERS['content-security-policy']);
    assert.deepEqual(seen, [{ method: 'POST', url: '/api/items?limit=5', host: new URL(edge.url).host, body: '{"name":"x"}' }],
      'method, path, query, body and the viewer Host reach the API (ALL_VIEWER)');
  });
});
