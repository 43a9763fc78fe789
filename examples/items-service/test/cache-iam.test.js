// The ElastiCache IAM token: its shape, and its signature checked against SigV4 computed here from
// the specification with node:crypto alone (not with the signer the service uses).
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { iamTokenGenerator } from '../src/cache-iam.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjE+session/token==' };
const CLOCK = new Date('2026-03-14T15:09:26Z');

const token = (options) => iamTokenGenerator({
  cacheName: 'items-cache', user: 'items-app', region: 'eu-west-1', serverless: true, credentials: async () => CREDENTIALS, now: () => CLOCK, ...options,
})();

/** Splits "host/?a=b&c=d" into the host and the decoded query parameters, in order. */
function parse(value) {
  assert.doesNotMatch(value, /^https?:\/\//, 'the token is the URL without its scheme');
  const [host, query] = value.split('/?');
  return { host, params: query.split('&').map((pair) => pair.split('=').map(decodeURIComponent)) };
}

/** SigV4 query-string presigning, step by step as AWS documents it. */
function expectedSignature(host, params, { secretAccessKey }, region) {
  const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const amzDate = params.find(([k]) => k === 'X-Amz-Date')[1];
  const day = amzDate.slice(0, 8);
  const canonicalQuery = params.filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const emptyPayload = createHash('sha256').update('').digest('hex');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', emptyPayload].join('\n');
  const scope = `${day}/${region}/elasticache/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
  const key = [region, 'elasticache', 'aws4_request'].reduce((k, part) => hmac(k, part), hmac(`AWS4${secretAccessKey}`, day));
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('ElastiCache IAM auth token', () => {
  it('is a presigned "connect" request for the serverless cache and user, valid 900 s', async () => {
    const { host, params } = parse(await token());
    const query = Object.fromEntries(params);
    assert.equal(host, 'items-cache');
    assert.equal(query.Action, 'connect');
    assert.equal(query.User, 'items-app');
    assert.equal(query.ResourceType, 'ServerlessCache');
    assert.equal(query['X-Amz-Expires'], '900');
    assert.equal(query['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.equal(query['X-Amz-Credential'], 'AKIDEXAMPLE/20260314/eu-west-1/elasticache/aws4_request');
    assert.equal(query['X-Amz-Date'], '20260314T150926Z');
    assert.equal(query['X-Amz-SignedHeaders'], 'host');
    assert.equal(query['X-Amz-Security-Token'], CREDENTIALS.sessionToken, 'the task role\'s session token travels in the token');
    assert.match(query['X-Amz-Signature'], /^[0-9a-f]{64}$/);
  });

  it('carries the signature SigV4 gives for those inputs (computed independently)', async () => {
    const { host, params } = parse(await token());
    assert.equal(Object.fromEntries(params)['X-Amz-Signature'], expectedSignature(host, params, CREDENTIALS, 'eu-west-1'));
  });

  it('for a node-based cache (replication group): no ResourceType, and a matching signature', async () => {
    const { host, params } = parse(await token({ serverless: false, cacheName: 'items-rg' }));
    const query = Object.fromEntries(params);
    assert.equal(host, 'items-rg');
    assert.equal(query.ResourceType, undefined);
    assert.equal(query['X-Amz-Signature'], expectedSignature(host, params, CREDENTIALS, 'eu-west-1'));
  });

  it('a signature that does not verify with another secret or another cache (the check can fail)', async () => {
    const { host, params } = parse(await token());
    const signature = Object.fromEntries(params)['X-Amz-Signature'];
    assert.notEqual(signature, expectedSignature(host, params, { secretAccessKey: 'another-secret' }, 'eu-west-1'));
    assert.notEqual(signature, expectedSignature('other-cache', params, CREDENTIALS, 'eu-west-1'));
  });

  it('is signed anew on each call, with the time of the call', async () => {
    let now = CLOCK;
    const next = iamTokenGenerator({ cacheName: 'items-cache', user: 'items-app', region: 'eu-west-1', serverless: true, credentials: async () => CREDENTIALS, now: () => now });
    const first = Object.fromEntries(parse(await next()).params);
    now = new Date(CLOCK.getTime() + 60_000);
    const second = Object.fromEntries(parse(await next()).params);
    assert.equal(second['X-Amz-Date'], '20260314T151026Z');
    assert.notEqual(second['X-Amz-Signature'], first['X-Amz-Signature']);
  });
});

describe('scripts/cache-token.js (developers sign in to the cache with it)', () => {
  it('prints a token for the cache and user, signed with the credentials of the environment', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['scripts/cache-token.js', '--cache', 'shop-cache', '--user', 'shop-developers', '--region', 'eu-west-1', '--serverless'], {
      env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' },
      encoding: 'utf8',
    }).trim();
    const { host, params } = parse(out);
    assert.equal(host, 'shop-cache');
    const query = Object.fromEntries(params);
    assert.equal(query.Action, 'connect');
    assert.equal(query.User, 'shop-developers');
    assert.equal(query.ResourceType, 'ServerlessCache');
    assert.match(query['X-Amz-Credential'], /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/elasticache\/aws4_request$/);
    assert.equal(query['X-Amz-Signature'], expectedSignature(host, params, CREDENTIALS, 'eu-west-1'));
  });

  it('says how to call it when an argument is missing', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, ['scripts/cache-token.js', '--cache', 'shop-cache'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^usage: node scripts\/cache-token.js --cache/);
  });
});
