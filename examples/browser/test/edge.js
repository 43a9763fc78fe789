// A local stand-in for the distribution WebTier builds (src/three-tier-app/web-tier.ts): one
// origin, where /api/* goes to the items service and everything else is the site's files, as the
// private S3 bucket would serve them. node:http only, no framework.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/**
 * The SPA fallback, mirrored from SPA_REWRITE_CODE in src/three-tier-app/web-tier.ts (the
 * CloudFront Function on the site behaviour, viewer request): a URI whose last segment has no '.'
 * is a client-side route and becomes /index.html. test/edge.test.js runs the source's own function
 * beside this one, so the two can't drift apart unnoticed.
 */
export function spaRewrite(uri) {
  const last = uri.substring(uri.lastIndexOf('/') + 1);
  return last.indexOf('.') === -1 ? '/index.html' : uri;
}

/**
 * The response headers policy WebTier puts on both behaviours (site and API), with the default
 * Content-Security-Policy (defaultContentSecurityPolicy() in web-tier.ts), so a CSP violation in
 * the site shows up here as it would behind CloudFront.
 */
export const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
  'x-xss-protection': '1; mode=block',
};

/** WebTier's default apiPathPattern: '/api/*' (a bare /api is a site path, as in CloudFront). */
export const API_PREFIX = '/api/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// S3 behind origin access control without s3:ListBucket (what WebTier grants) answers a missing key with 403.
const ACCESS_DENIED = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';

function serveSite(req, res, siteDir, uri) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // The site behaviour allows GET and HEAD (and OPTIONS) only.
    res.writeHead(403, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
    res.end('This distribution is not configured to allow the HTTP request method that was used for this request.');
    return;
  }
  let key;
  try { key = decodeURIComponent(spaRewrite(uri)).replace(/^\/+/, ''); } catch { key = ''; }
  const file = path.resolve(siteDir, key);
  let body;
  if (key && file.startsWith(siteDir + path.sep)) {
    try { body = fs.readFileSync(file); } catch { body = undefined; }
  }
  if (!body) {
    res.writeHead(403, { ...SECURITY_HEADERS, 'content-type': 'application/xml' });
    res.end(ACCESS_DENIED);
    return;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function proxyApi(req, res, api) {
  // ALL_VIEWER origin request policy: method, path, query, body and every header, Host included.
  const upstream = http.request({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers: req.headers, timeout: 30000 }, (answer) => {
    res.writeHead(answer.statusCode, { ...answer.headers, ...SECURITY_HEADERS });
    answer.pipe(res);
  });
  upstream.on('timeout', () => upstream.destroy(new Error('origin read timeout (30 s)')));
  upstream.on('error', () => {
    if (res.headersSent) { res.destroy(); return; }
    // CloudFront's answer when the origin can't be reached: an HTML error page.
    res.writeHead(502, { ...SECURITY_HEADERS, 'content-type': 'text/html' });
    res.end('<html><body><h1>502 ERROR</h1><p>The request could not be satisfied.</p></body></html>');
  });
  req.pipe(upstream);
}

/** Starts the stand-in on a free loopback port; `apiUrl` is the items service (BASE_PATH=/api). */
export async function startEdge({ siteDir, apiUrl }) {
  const root = path.resolve(siteDir);
  const api = new URL(apiUrl);
  const requests = [];
  const server = http.createServer((req, res) => {
    const uri = req.url.split('?')[0];
    requests.push(`${req.method} ${req.url}`);
    if (uri.startsWith(API_PREFIX)) proxyApi(req, res, api);
    else serveSite(req, res, root, uri);
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
