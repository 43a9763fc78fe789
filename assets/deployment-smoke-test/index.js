// ECS deployment lifecycle hook (POST_TEST_TRAFFIC_SHIFT): smoke-tests the new service revision through the
// load balancer's test listener rule before production traffic moves. ECS rolls back on FAILED, on a thrown
// error or on a missing status, so every failure path here returns { hookStatus: 'FAILED' } instead of throwing.
// Plain JavaScript on the Lambda Node.js runtime, node core modules only.
'use strict';

const http = require('http');
const https = require('https');
const tls = require('tls');
const { URL } = require('url');

const MAX_BODY_BYTES = 64 * 1024;
const DEFAULTS = { attempts: 3, retryDelayMs: 2000, timeoutMs: 5000 };

/** ALB-style matcher: "200", "200-299" or "200,204,300-399". Throws on an invalid spec. */
function statusMatches(code, spec) {
  if (typeof spec !== 'string' || spec.trim() === '') throw new Error(`invalid status matcher ${JSON.stringify(spec)}`);
  let match = false;
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) throw new Error(`invalid status matcher ${JSON.stringify(spec)}: "${part}" is not a code or a range`);
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (low < 100 || high > 599 || low > high) throw new Error(`invalid status matcher ${JSON.stringify(spec)}: "${part}" is out of order or range`);
    if (code >= low && code <= high) match = true;
  }
  return match;
}

/** Parses and validates the SMOKE_TEST JSON; throws with a message naming the bad field. */
function parseConfig(text) {
  if (text === undefined || text === null || String(text).trim() === '') throw new Error('SMOKE_TEST is not set');
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`SMOKE_TEST is not valid JSON: ${e.message}`);
  }
  if (!isObject(raw)) throw new Error('SMOKE_TEST must be a JSON object');

  if (typeof raw.baseUrl !== 'string' || raw.baseUrl === '') throw new Error('baseUrl is required (a string like http://host:port)');
  let url;
  try {
    url = new URL(raw.baseUrl);
  } catch (e) {
    throw new Error(`baseUrl is not a valid URL: ${raw.baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`baseUrl must be http or https, got ${url.protocol}`);
  if (url.search || url.hash) throw new Error('baseUrl must not have a query or fragment');

  const headers = raw.headers === undefined ? {} : raw.headers;
  if (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new Error('headers must be an object of string values');
  }
  if (raw.host !== undefined && (typeof raw.host !== 'string' || raw.host.trim() === '')) throw new Error('host must be a non-empty string');
  if (raw.ca !== undefined && (typeof raw.ca !== 'string' || !raw.ca.includes('-----BEGIN CERTIFICATE-----'))) {
    throw new Error('ca must be a PEM certificate bundle string');
  }

  if (!Array.isArray(raw.checks) || raw.checks.length === 0) throw new Error('checks must be a non-empty array');
  const checks = raw.checks.map((c, i) => {
    if (!isObject(c)) throw new Error(`checks[${i}] must be an object`);
    if (typeof c.path !== 'string' || !c.path.startsWith('/') || /\s/.test(c.path)) {
      throw new Error(`checks[${i}].path must be a string starting with "/" and without spaces`);
    }
    // ALB's own default matcher.
    const expect = c.expect === undefined ? '200' : c.expect;
    try {
      statusMatches(200, expect);
    } catch (e) {
      throw new Error(`checks[${i}].expect: ${e.message}`);
    }
    return { path: c.path, expect };
  });

  const attempts = numberField(raw, 'attempts', (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1');
  const retryDelayMs = numberField(raw, 'retryDelayMs', (n) => n >= 0, 'a number >= 0');
  const timeoutMs = numberField(raw, 'timeoutMs', (n) => n > 0, 'a number > 0');

  const config = { baseUrl: raw.baseUrl, headers: { ...headers }, checks, attempts, retryDelayMs, timeoutMs };
  if (raw.host !== undefined) config.host = raw.host;
  if (raw.ca !== undefined) config.ca = raw.ca;
  return config;
}

function numberField(raw, name, valid, description) {
  const value = raw[name] === undefined ? DEFAULTS[name] : raw[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) throw new Error(`${name} must be ${description}`);
  return value;
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One GET; resolves { status } or { error }, never rejects. */
function requestOnce(config, check) {
  return new Promise((resolve) => {
    let done = false;
    let req;
    const settle = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    // Covers connect, headers and body: a hung target must not stall the hook.
    const timer = setTimeout(() => {
      settle({ error: 'timeout' });
      if (req) req.destroy();
    }, config.timeoutMs);

    try {
      const url = new URL(config.baseUrl);
      const isHttps = url.protocol === 'https:';
      const headers = {};
      for (const [k, v] of Object.entries(config.headers)) {
        if (!(config.host && k.toLowerCase() === 'host')) headers[k] = v;
      }
      if (config.host) headers.host = config.host;
      const options = {
        method: 'GET',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname.replace(/\/+$/, '') + check.path,
        headers,
        // No pooling: each try gets a fresh connection (and Connection: close).
        agent: false,
      };
      if (isHttps) {
        if (config.ca) options.ca = [...tls.rootCertificates, config.ca];
        if (config.host) {
          options.servername = config.host.replace(/:\d+$/, '');
        } else {
          // The load balancer's DNS name is not on its certificate: verify the chain only.
          options.checkServerIdentity = () => undefined;
        }
      }
      req = (isHttps ? https : http).request(options, (res) => {
        let bytes = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
          if (bytes >= MAX_BODY_BYTES) {
            // Enough read to know the target answers; don't buffer a huge body.
            settle({ status: res.statusCode });
            res.destroy();
          }
        });
        res.on('end', () => settle({ status: res.statusCode }));
        res.on('error', (e) => settle({ error: errorText(e) }));
        // A connection cut before the body ends is a failed try, not a pass.
        res.on('close', () => settle({ error: 'response closed before it ended' }));
      });
      req.on('error', (e) => settle({ error: errorText(e) }));
      req.end();
    } catch (e) {
      // e.g. an invalid header value makes http.request throw synchronously.
      settle({ error: errorText(e) });
    }
  });
}

function errorText(e) {
  return (e && e.message) || String(e);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries one check up to config.attempts times; returns { path, ok, attempts: [...] }. */
async function runCheck(config, check) {
  const attempts = [];
  for (let attempt = 1; attempt <= config.attempts; attempt++) {
    if (attempt > 1 && config.retryDelayMs > 0) await sleep(config.retryDelayMs);
    const start = Date.now();
    const result = await requestOnce(config, check);
    const ms = Date.now() - start;
    const entry = result.error !== undefined
      ? { check: check.path, attempt, error: result.error, ms, ok: false }
      : { check: check.path, attempt, status: result.status, ms, ok: statusMatches(result.status, check.expect) };
    console.log(JSON.stringify(entry));
    attempts.push(entry);
    if (entry.ok) return { path: check.path, ok: true, attempts };
  }
  return { path: check.path, ok: false, attempts };
}

async function handler(event) {
  try {
    const e = event || {};
    const details = e.executionDetails || {};
    console.log(JSON.stringify({
      executionId: e.executionId,
      lifecycleStage: e.lifecycleStage,
      targetServiceRevisionArn: details.targetServiceRevisionArn,
    }));
    let config;
    try {
      config = parseConfig(process.env.SMOKE_TEST);
    } catch (err) {
      console.log(JSON.stringify({ hookStatus: 'FAILED', error: `invalid SMOKE_TEST configuration: ${errorText(err)}` }));
      return { hookStatus: 'FAILED' };
    }
    // Sequential and without early exit, so the log shows every check.
    const failed = [];
    for (const check of config.checks) {
      const result = await runCheck(config, check);
      if (!result.ok) failed.push(check.path);
    }
    const hookStatus = failed.length ? 'FAILED' : 'SUCCEEDED';
    console.log(JSON.stringify({ hookStatus, failed }));
    return { hookStatus };
  } catch (err) {
    console.error(JSON.stringify({ hookStatus: 'FAILED', error: `unexpected error: ${(err && err.stack) || err}` }));
    return { hookStatus: 'FAILED' };
  }
}

module.exports = { handler, statusMatches, parseConfig, runCheck };
