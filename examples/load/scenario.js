#!/usr/bin/env node
// The items scenario under load, with autocannon: each virtual user (one keep-alive connection)
// loops create → read → update → list → delete. Prints success rate, requests/s and latency
// percentiles; thresholds set the exit code (0 pass, 1 a threshold failed, 2 bad arguments).
//
//   node scenario.js --url http://localhost:8080 --vus 20 --duration 30
//   node scenario.js --url https://d111111abcdef8.cloudfront.net/api --vus 50 --duration 120 --max-p99-ms 800
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

export const USER_AGENT = 'items-load/1.0 (autocannon)';
export const STEPS = ['create', 'read', 'update', 'list', 'delete'];
export const EXPECTED = [201, 200, 200, 200, 200];

/** Latency percentile (nearest rank) over the recorded response times, in ms. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] * 10) / 10;
}

/** The scenario's requests, under the URL's path (e.g. /api behind CloudFront). */
export function scenarioRequests(prefix, counters) {
  const check = (step) => (status, body, context) => {
    if (status === EXPECTED[step]) counters.ok++;
    else {
      const key = `${STEPS[step]} ${status}`;
      counters.unexpected.set(key, (counters.unexpected.get(key) ?? 0) + 1);
    }
    if (step === 0 && status === 201) context.item = JSON.parse(body);
  };
  // A step after a failed create has no item: returning nothing restarts the user's loop.
  const withItem = (build) => (req, context) => (context.item ? build(req, context.item) : undefined);
  const json = { 'content-type': 'application/json' };
  return [
    { method: 'POST', path: `${prefix}/items`, headers: json, setupRequest: (req) => ({ ...req,
      body: JSON.stringify({ name: 'load test item', price: 9.99, quantity: 1, tags: ['load'] }) }), onResponse: check(0) },
    { method: 'GET', setupRequest: withItem((req, item) => ({ ...req, path: `${prefix}/items/${item.id}` })), onResponse: check(1) },
    { method: 'PUT', headers: json, setupRequest: withItem((req, item) => ({ ...req, path: `${prefix}/items/${item.id}`,
      body: JSON.stringify({ name: 'load test item', price: 10.99, quantity: 2, version: item.version }) })), onResponse: check(2) },
    { method: 'GET', path: `${prefix}/items?limit=10`, setupRequest: withItem((req) => req), onResponse: check(3) },
    { method: 'DELETE', setupRequest: withItem((req, item) => ({ ...req, path: `${prefix}/items/${item.id}` })), onResponse: check(4) },
  ];
}

export async function runScenario({ url, vus, durationSeconds, timeoutSeconds = 10 }) {
  const target = new URL(url);
  const prefix = target.pathname.replace(/\/$/, '');
  const counters = { ok: 0, unexpected: new Map() };
  const times = [];
  const instance = autocannon({
    url: target.origin, connections: vus, duration: durationSeconds, timeout: timeoutSeconds,
    // autocannon sends no User-Agent, and the WAF's core rule set blocks requests without one.
    headers: { 'user-agent': USER_AGENT },
    requests: scenarioRequests(prefix, counters),
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  const result = await instance;
  times.sort((a, b) => a - b);
  const failed = [...counters.unexpected.values()].reduce((a, b) => a + b, 0) + result.errors; // errors include timeouts
  const total = counters.ok + failed;
  return {
    url, vus, durationSeconds: Math.round(result.duration * 10) / 10,
    requests: total,
    iterations: Math.floor(counters.ok / EXPECTED.length),
    successRate: total === 0 ? 0 : counters.ok / total,
    requestsPerSecond: total / result.duration,
    latencyMs: { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: percentile(times, 100) },
    failures: { ...Object.fromEntries(counters.unexpected), errors: result.errors, timeouts: result.timeouts },
  };
}

export function thresholdFailures(summary, { minSuccessRate, maxP99Ms }) {
  const failures = [];
  if (summary.requests === 0) failures.push('no request was answered');
  if (summary.successRate < minSuccessRate) failures.push(`success rate ${(summary.successRate * 100).toFixed(2)}% < ${minSuccessRate * 100}%`);
  if (maxP99Ms !== undefined && !(summary.latencyMs.p99 <= maxP99Ms)) failures.push(`p99 ${summary.latencyMs.p99} ms > ${maxP99Ms} ms`);
  return failures;
}

export function format(summary) {
  const l = summary.latencyMs;
  return [
    `items scenario against ${summary.url}: ${summary.vus} virtual users for ${summary.durationSeconds} s`,
    `  requests     ${summary.requests} (${summary.iterations} create→read→update→list→delete loops)`,
    `  success      ${(summary.successRate * 100).toFixed(2)}%`,
    `  throughput   ${summary.requestsPerSecond.toFixed(1)} requests/s`,
    `  latency      p50 ${l.p50} ms   p95 ${l.p95} ms   p99 ${l.p99} ms   max ${l.max} ms`,
    `  failures     ${JSON.stringify(summary.failures)}`,
  ].join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      'url': { type: 'string', default: 'http://localhost:8080' },
      'vus': { type: 'string', default: '10' },
      'duration': { type: 'string', default: '30' },
      'min-success-rate': { type: 'string', default: '0.99' },
      'max-p99-ms': { type: 'string' },
      'json': { type: 'boolean', default: false },
    },
  });
  const vus = Number(values.vus);
  const durationSeconds = Number(values.duration);
  const minSuccessRate = Number(values['min-success-rate']);
  const maxP99Ms = values['max-p99-ms'] === undefined ? undefined : Number(values['max-p99-ms']);
  if (!Number.isInteger(vus) || vus < 1 || !(durationSeconds > 0) || !(minSuccessRate >= 0 && minSuccessRate <= 1)
    || (maxP99Ms !== undefined && !(maxP99Ms > 0))) {
    console.error('usage: scenario.js [--url URL] [--vus N] [--duration SECONDS] [--min-success-rate 0..1] [--max-p99-ms MS] [--json]');
    process.exit(2);
  }
  const summary = await runScenario({ url: values.url, vus, durationSeconds });
  const failures = thresholdFailures(summary, { minSuccessRate, maxP99Ms });
  console.log(values.json ? JSON.stringify({ ...summary, thresholdFailures: failures }) : format(summary));
  if (failures.length > 0) {
    console.error(`thresholds failed: ${failures.join('; ')}`);
    process.exit(1);
  }
}

// Run when executed (not when imported by the tests), whatever characters the path holds.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();
