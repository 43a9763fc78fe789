// The RDS-managed secret path (DatabaseAccess.MASTER_SECRET): the password comes from Secrets
// Manager, and after RDS rotates it the service re-reads it instead of failing until restarted.
// Secrets Manager is a small fake speaking its JSON protocol; PostgreSQL is real.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { call, startPostgres, startService, waitFor } from './servers.js';

const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:items-db-AbCdEf';

describe('database password from Secrets Manager', () => {
  let db;
  let secrets;
  let endpoint;
  const secret = { password: 'test-password', reads: 0 };

  before(async () => {
    db = await startPostgres();
    secrets = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const ok = req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' && JSON.parse(body).SecretId === SECRET_ARN;
        if (ok) secret.reads++;
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(ok
          ? { ARN: SECRET_ARN, Name: 'items-db', VersionId: `v${secret.reads}`, SecretString: JSON.stringify({ username: 'postgres', password: secret.password }) }
          : { __type: 'ResourceNotFoundException', message: 'no such secret' }));
      });
    });
    await new Promise((resolve) => secrets.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${secrets.address().port}`;
  });
  after(async () => {
    await new Promise((resolve) => secrets.close(resolve));
    await db.dispose();
  });

  /** The environment ThreeTierApp gives a service (DB_* plus DB_SECRET_ARN), pointed at the fakes. */
  function auroraEnv(extra = {}) {
    const { port } = new URL(db.url);
    return {
      DB_ENGINE: 'postgres', DB_HOST: '127.0.0.1', DB_PORT: port, DB_NAME: 'postgres', DB_USER: 'postgres', DB_SECRET_ARN: SECRET_ARN,
      DB_SSL: 'off', AWS_REGION: 'ap-northeast-2', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint, ...extra,
    };
  }

  async function setPassword(password) {
    const client = new pg.Client({ connectionString: db.url.replace('test-password', secret.password) });
    await client.connect();
    await client.query(`ALTER USER postgres PASSWORD '${password}'`);
    await client.end();
    secret.password = password; // what RDS does: the database and the secret change together
  }

  it('reads the password from the secret when DB_PASSWORD is not given', async () => {
    const service = await startService(auroraEnv());
    try {
      assert.equal((await call(service.url, 'GET', '/readyz')).status, 200);
      assert.ok(secret.reads >= 1);
    } finally {
      await service.stop();
    }
  });

  it('after a rotation, a failed login re-reads the secret and the service recovers without a restart', async () => {
    // ECS resolved DB_PASSWORD when the task started; RDS has rotated it since.
    const service = await startService(auroraEnv({ DB_PASSWORD: secret.password }));
    try {
      assert.equal((await call(service.url, 'POST', '/items', { name: 'before rotation' })).status, 201);
      const readsBefore = secret.reads;
      await setPassword('rotated-password-1');
      await db.stop(); // drop the pool's connections, so the next ones log in again
      await db.start();
      await waitFor(async () => (await call(service.url, 'GET', '/readyz')).status === 200);
      assert.ok(secret.reads > readsBefore, 'the secret was read again');
      assert.equal((await call(service.url, 'POST', '/items', { name: 'after rotation' })).status, 201);
    } finally {
      await service.stop();
      await setPassword('test-password');
    }
  });
});
