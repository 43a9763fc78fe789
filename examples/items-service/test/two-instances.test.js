// `npm start` twice: the second local instance (embedded PostgreSQL) either runs on its own data
// directory and ports, or stops with one line naming what is in use and how to choose another.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { call, freePort, startService } from './servers.js';

const SERVICE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');

/** Runs the service until it exits; returns its exit code and stdout lines. */
function runToExit(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVICE], { env: { PATH: process.env.PATH, HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, lines: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) }); });
  });
}

describe('two local instances on embedded PostgreSQL', () => {
  const dirs = [];
  let first;
  let env;
  const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'items-two-')); dirs.push(d); return d; };
  before(async () => {
    env = { EMBEDDED_PG_DIR: tmp(), EMBEDDED_PG_PORT: String(await freePort()) };
    first = await startService(env);
  });
  after(async () => {
    await first?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a second one on the same data directory stops with one line saying so, and the first keeps serving', async () => {
    const second = await runToExit({ ...env, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()) });
    assert.equal(second.code, 1);
    const errors = second.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].error, /data directory .* is in use by another PostgreSQL \(pid \d+\).*EMBEDDED_PG_DIR and EMBEDDED_PG_PORT/);
    assert.equal((await call(first.url, 'POST', '/items', { name: 'still here' })).status, 201);
  });

  it('a second one on the same PostgreSQL port stops with one line naming the port', async () => {
    const second = await runToExit({ EMBEDDED_PG_DIR: tmp(), EMBEDDED_PG_PORT: env.EMBEDDED_PG_PORT, PORT: String(await freePort()) });
    assert.equal(second.code, 1);
    assert.match(second.lines.find((l) => l.level === 'error').error, new RegExp(`EMBEDDED_PG_PORT ${env.EMBEDDED_PG_PORT} is in use.*own EMBEDDED_PG_PORT`));
  });

  it('a second one on the same HTTP port stops with one line naming it', async () => {
    const port = new URL(first.url).port;
    const second = await runToExit({ EMBEDDED_PG_DIR: tmp(), EMBEDDED_PG_PORT: String(await freePort()), PORT: port });
    assert.equal(second.code, 1);
    assert.match(second.lines.find((l) => l.level === 'error').error, new RegExp(`PORT ${port} is in use.*another PORT`));
  });

  it('a second one with its own data directory and ports runs beside the first', async () => {
    const second = await startService({ EMBEDDED_PG_DIR: tmp(), EMBEDDED_PG_PORT: String(await freePort()) });
    try {
      assert.equal((await call(second.url, 'POST', '/items', { id: '1', name: 'Item One' })).status, 201);
      assert.equal((await call(first.url, 'GET', '/items/1')).status, 404, 'each has its own database');
    } finally {
      await second.stop();
    }
  });
});
