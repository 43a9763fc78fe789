// The environment contract with ThreeTierApp (DB_*, DYNAMODB_TABLE) and the validation of it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';

const ca = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'items-ca-')), 'bundle.pem');
fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');

// What ThreeTierApp gives a service with DatabaseAccess.MASTER_SECRET (secrets resolved by ECS).
const aurora = {
  DB_ENGINE: 'postgres', DB_HOST: 'cluster.example.ap-northeast-2.rds.amazonaws.com', DB_PORT: '5432', DB_NAME: 'app',
  DB_USER: 'postgres', DB_PASSWORD: 'from-secret', DB_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:db',
  AWS_REGION: 'ap-northeast-2', DB_SSL_CA: ca,
};

describe('configuration', () => {
  it('with nothing set, runs on the embedded PostgreSQL', () => {
    assert.equal(loadConfig({}).store.kind, 'embedded');
    assert.equal(loadConfig({}).port, 8080);
  });

  it('reads the Aurora variables ThreeTierApp sets and verifies TLS against the RDS bundle', () => {
    const { store } = loadConfig(aurora);
    assert.equal(store.kind, 'postgres');
    assert.deepEqual([store.host, store.port, store.database, store.user, store.password, store.secretArn, store.iamAuth],
      [aurora.DB_HOST, 5432, 'app', 'postgres', 'from-secret', aurora.DB_SECRET_ARN, false]);
    assert.equal(store.ssl.mode, 'verify');
    assert.equal(store.ssl.options.rejectUnauthorized, true);
  });

  it('falls back to encrypted but unverified TLS when the RDS bundle is missing', () => {
    assert.equal(loadConfig({ ...aurora, DB_SSL_CA: '/nonexistent.pem' }).store.ssl.mode, 'require');
    assert.throws(() => loadConfig({ ...aurora, DB_SSL: 'verify', DB_SSL_CA: '/nonexistent.pem' }), /needs the CA bundle/);
  });

  it('uses IAM authentication with DB_IAM_AUTH=true and refuses it without TLS', () => {
    const env = { ...aurora, DB_PASSWORD: undefined, DB_SECRET_ARN: undefined, DB_USER: 'app', DB_IAM_AUTH: 'true' };
    assert.equal(loadConfig(env).store.iamAuth, true);
    assert.throws(() => loadConfig({ ...env, DB_SSL: 'off' }), /needs TLS/);
  });

  it('fails with a clear message for Aurora MySQL and for missing credentials', () => {
    assert.throws(() => loadConfig({ ...aurora, DB_ENGINE: 'mysql' }), /DB_ENGINE=mysql is not supported/);
    assert.throws(() => loadConfig({ ...aurora, DB_PASSWORD: '', DB_SECRET_ARN: '' }), /Set DB_PASSWORD, DB_SECRET_ARN or DB_IAM_AUTH/);
    assert.throws(() => loadConfig({ DB_HOST: 'h' }), /DB_NAME is required/);
  });

  it('reads DYNAMODB_TABLE, and creates the table only against a local endpoint', () => {
    const aws = loadConfig({ DYNAMODB_TABLE: 'app-table', AWS_REGION: 'ap-northeast-2' }).store;
    assert.deepEqual([aws.kind, aws.table, aws.createTable], ['dynamodb', 'app-table', false]);
    assert.equal(loadConfig({ DYNAMODB_TABLE: 't', DYNAMODB_ENDPOINT: 'http://localhost:8000' }).store.createTable, true);
    assert.throws(() => loadConfig({ ITEMS_STORE: 'dynamodb' }), /DYNAMODB_TABLE is required/);
  });

  it('turns sign-in on with COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID; reads stay public unless AUTH_READS=signed-in', () => {
    const cognito = { COGNITO_USER_POOL_ID: 'eu-west-1_AbC123', COGNITO_CLIENT_ID: 'client-1' };
    assert.equal(loadConfig({}).auth, undefined);
    assert.deepEqual(loadConfig(cognito).auth, { userPoolId: 'eu-west-1_AbC123', clientId: 'client-1', jwksUri: undefined, jwksTimeoutMs: 3000, reads: 'public' });
    assert.equal(loadConfig({ ...cognito, AUTH_READS: 'signed-in' }).auth.reads, 'signed-in');
  });

  it('refuses a user pool without a client, a malformed pool id, and sign-in settings without a pool', () => {
    assert.throws(() => loadConfig({ COGNITO_USER_POOL_ID: 'eu-west-1_AbC123' }), /COGNITO_USER_POOL_ID needs COGNITO_CLIENT_ID/);
    assert.throws(() => loadConfig({ COGNITO_USER_POOL_ID: 'AbC123', COGNITO_CLIENT_ID: 'c' }), /must look like eu-west-1_AbC123/);
    assert.throws(() => loadConfig({ COGNITO_CLIENT_ID: 'c' }), /COGNITO_CLIENT_ID is set but COGNITO_USER_POOL_ID is not/);
    assert.throws(() => loadConfig({ AUTH_READS: 'signed-in' }), /AUTH_READS=signed-in needs COGNITO_USER_POOL_ID/);
    assert.throws(() => loadConfig({ AUTH_READS: 'private' }), /AUTH_READS must be one of public, signed-in/);
  });

  it('reads the cache variables ThreeTierApp sets, and runs without a cache when CACHE_HOST is unset', () => {
    assert.equal(loadConfig({}).cache, undefined);
    const iam = { CACHE_HOST: 'c.serverless.euw1.cache.amazonaws.com', CACHE_PORT: '6379', CACHE_TLS: 'true', CACHE_AUTH: 'iam', CACHE_USER: 'items-app',
      CACHE_NAME: 'items-cache', CACHE_SERVERLESS: 'true', AWS_REGION: 'eu-west-1' };
    const { cache } = loadConfig(iam);
    assert.deepEqual([cache.host, cache.port, cache.tls, cache.auth, cache.user, cache.name, cache.serverless, cache.region, cache.ttlSeconds, cache.timeoutMs],
      [iam.CACHE_HOST, 6379, true, 'iam', 'items-app', 'items-cache', true, 'eu-west-1', 300, 100]);
    assert.throws(() => loadConfig({ ...iam, CACHE_TLS: 'false' }), /CACHE_AUTH=iam needs CACHE_TLS=true/);
    assert.throws(() => loadConfig({ ...iam, CACHE_NAME: '' }), /CACHE_AUTH=iam needs CACHE_NAME/);
    assert.throws(() => loadConfig({ CACHE_HOST: 'h', CACHE_AUTH: 'password' }), /CACHE_AUTH=password needs CACHE_PASSWORD/);
    assert.throws(() => loadConfig({ CACHE_AUTH: 'iam' }), /CACHE_AUTH is set but CACHE_HOST is not/);
    assert.throws(() => loadConfig({ CACHE_HOST: 'h', CACHE_TIMEOUT_MS: '0' }), /CACHE_TIMEOUT_MS must be an integer from 10/);
  });

  it('validates numbers, choices and the base path', () => {
    assert.equal(loadConfig({ BASE_PATH: '/api' }).basePath, '/api');
    assert.equal(loadConfig({ BASE_PATH: '/' }).basePath, '');
    assert.throws(() => loadConfig({ BASE_PATH: 'api/' }), /BASE_PATH must start with/);
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be an integer/);
    assert.throws(() => loadConfig({ ITEMS_STORE: 'mongo' }), /ITEMS_STORE must be one of postgres, dynamodb, embedded/);
    assert.throws(() => loadConfig({ DB_IAM_AUTH: 'maybe', DB_HOST: 'h' }), /DB_IAM_AUTH must be true or false/);
  });
});
