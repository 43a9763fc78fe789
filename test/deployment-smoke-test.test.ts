// Unit tests of the ECS deployment lifecycle hook Lambda (assets/deployment-smoke-test), against real local servers.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const smoke = require(path.join(__dirname, '..', 'assets', 'deployment-smoke-test', 'index.js'));

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

const event = {
  executionDetails: {
    testTrafficWeights: {},
    productionTrafficWeights: {},
    serviceArn: 'arn:aws:ecs:eu-west-1:111111111111:service/prod/api',
    targetServiceRevisionArn: 'arn:aws:ecs:eu-west-1:111111111111:service-revision/prod/api/42',
  },
  executionId: 'exec-1',
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:eu-west-1:111111111111:service-deployment/prod/api/abc',
};

// Routes by pathname; the query string only keeps each test's requests apart in `seen`.
function app(seen: Seen[]): http.RequestListener {
  const hits = new Map<string, number>();
  return (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const count = (hits.get(req.url ?? '') ?? 0) + 1;
    hits.set(req.url ?? '', count);
    switch (new URL(req.url ?? '/', 'http://x').pathname) {
      case '/health':
      case '/ready':
        return res.end('ok');
      case '/fail':
        res.statusCode = 500;
        return res.end('boom');
      case '/flaky':
        res.statusCode = count === 1 ? 503 : 200;
        return res.end();
      case '/redirect':
        res.writeHead(302, { location: '/health' });
        return res.end();
      case '/big': {
        // A body that never ends: only the reading cap can settle the try before its timeout.
        res.writeHead(200);
        const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024, 'x')), 5);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/slow':
        return; // never answers
      default:
        res.statusCode = 404;
        return res.end();
    }
  };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let logs: any[];
const savedEnv = process.env.SMOKE_TEST;

beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => {
    logs.push(JSON.parse(line));
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  if (savedEnv === undefined) delete process.env.SMOKE_TEST;
  else process.env.SMOKE_TEST = savedEnv;
});

async function runHook(config: object | string | undefined) {
  if (config === undefined) delete process.env.SMOKE_TEST;
  else process.env.SMOKE_TEST = typeof config === 'string' ? config : JSON.stringify(config);
  return smoke.handler(event);
}

describe('statusMatches', () => {
  test('a single code', () => {
    expect(smoke.statusMatches(200, '200')).toBe(true);
    expect(smoke.statusMatches(201, '200')).toBe(false);
  });

  test('a range includes both ends', () => {
    expect(smoke.statusMatches(200, '200-299')).toBe(true);
    expect(smoke.statusMatches(299, '200-299')).toBe(true);
    expect(smoke.statusMatches(300, '200-299')).toBe(false);
  });

  test('a comma list mixes codes and ranges', () => {
    expect(smoke.statusMatches(204, '200,204,300-399')).toBe(true);
    expect(smoke.statusMatches(302, '200, 204, 300-399')).toBe(true);
    expect(smoke.statusMatches(201, '200,204,300-399')).toBe(false);
  });

  test.each(['abc', '99', '300-200', '', '200,', '2000', '200-', '600', undefined])('invalid spec %p throws', (spec) => {
    expect(() => smoke.statusMatches(200, spec)).toThrow(/invalid status matcher/);
  });
});

describe('parseConfig', () => {
  test('applies defaults', () => {
    expect(smoke.parseConfig(JSON.stringify({ baseUrl: 'http://lb:9080', checks: [{ path: '/health', expect: '200-399' }, { path: '/' }] })))
      .toEqual({
        baseUrl: 'http://lb:9080',
        headers: {},
        checks: [{ path: '/health', expect: '200-399' }, { path: '/', expect: '200' }],
        attempts: 3,
        retryDelayMs: 2000,
        timeoutMs: 5000,
      });
  });

  test('keeps the optional fields', () => {
    const config = smoke.parseConfig(JSON.stringify({
      baseUrl: 'https://abc.elb.amazonaws.com',
      headers: { 'x-deployment-test': '1f2e' },
      host: 'api.example.com',
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      checks: [{ path: '/health', expect: '200' }],
      attempts: 1,
      retryDelayMs: 0,
      timeoutMs: 100,
    }));
    expect(config).toMatchObject({ host: 'api.example.com', headers: { 'x-deployment-test': '1f2e' }, attempts: 1, retryDelayMs: 0, timeoutMs: 100 });
    expect(config.ca).toContain('BEGIN CERTIFICATE');
  });

  const checks = [{ path: '/health', expect: '200' }];
  test.each<[string, string | undefined, RegExp]>([
    ['unset', undefined, /SMOKE_TEST is not set/],
    ['not JSON', '{nope', /not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['missing baseUrl', JSON.stringify({ checks }), /baseUrl is required/],
    ['a baseUrl that is not a URL', JSON.stringify({ baseUrl: 'lb:9080x', checks }), /baseUrl/],
    ['an ftp baseUrl', JSON.stringify({ baseUrl: 'ftp://lb', checks }), /baseUrl must be http or https/],
    ['missing checks', JSON.stringify({ baseUrl: 'http://lb' }), /checks must be a non-empty array/],
    ['empty checks', JSON.stringify({ baseUrl: 'http://lb', checks: [] }), /checks must be a non-empty array/],
    ['a path without /', JSON.stringify({ baseUrl: 'http://lb', checks: [{ path: 'health', expect: '200' }] }), /checks\[0\]\.path/],
    ['a bad expect', JSON.stringify({ baseUrl: 'http://lb', checks: [...checks, { path: '/x', expect: '2xx' }] }), /checks\[1\]\.expect/],
    ['a non-string header', JSON.stringify({ baseUrl: 'http://lb', checks, headers: { a: 1 } }), /headers/],
    ['zero attempts', JSON.stringify({ baseUrl: 'http://lb', checks, attempts: 0 }), /attempts/],
    ['a negative retryDelayMs', JSON.stringify({ baseUrl: 'http://lb', checks, retryDelayMs: -1 }), /retryDelayMs/],
    ['a zero timeoutMs', JSON.stringify({ baseUrl: 'http://lb', checks, timeoutMs: 0 }), /timeoutMs/],
    ['a ca that is not PEM', JSON.stringify({ baseUrl: 'http://lb', checks, ca: 'abc' }), /ca must be/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => smoke.parseConfig(text)).toThrow(message);
  });
});

describe('handler over http', () => {
  const seen: Seen[] = [];
  const server = http.createServer(app(seen));
  let baseUrl: string;
  let closedPort: number;

  beforeAll(async () => {
    baseUrl = `http://127.0.0.1:${await listen(server)}`;
    const closed = http.createServer();
    closedPort = await listen(closed);
    await close(closed);
  });
  afterAll(() => close(server));

  const requestsTo = (url: string) => seen.filter((s) => s.url === url);

  test('a healthy service succeeds, sending the configured headers and Host', async () => {
    await expect(runHook({
      baseUrl,
      headers: { 'x-deployment-test': '1f2e' },
      host: 'api.example.test',
      checks: [{ path: '/health?t=healthy', expect: '200' }, { path: '/ready?t=healthy', expect: '200-299' }],
    })).resolves.toEqual({ hookStatus: 'SUCCEEDED' });

    for (const url of ['/health?t=healthy', '/ready?t=healthy']) {
      const received = requestsTo(url);
      expect(received).toHaveLength(1);
      expect(received[0].headers).toMatchObject({ 'x-deployment-test': '1f2e', 'host': 'api.example.test', 'connection': 'close' });
    }
    expect(logs[0]).toEqual({
      executionId: 'exec-1',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      targetServiceRevisionArn: event.executionDetails.targetServiceRevisionArn,
    });
    expect(logs[1]).toMatchObject({ check: '/health?t=healthy', attempt: 1, status: 200, ok: true });
    expect(typeof logs[1].ms).toBe('number');
    expect(logs[logs.length - 1]).toEqual({ hookStatus: 'SUCCEEDED', failed: [] });
  });

  test('without host the Host header is the base URL authority', async () => {
    await expect(runHook({ baseUrl, checks: [{ path: '/health?t=nohost' }] })).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(requestsTo('/health?t=nohost')[0].headers.host).toBe(baseUrl.replace('http://', ''));
  });

  test('a failing path fails the hook after all its attempts, and the other checks still run', async () => {
    await expect(runHook({
      baseUrl,
      attempts: 3,
      retryDelayMs: 10,
      checks: [{ path: '/health?t=failing' }, { path: '/fail?t=failing' }, { path: '/ready?t=failing' }],
    })).resolves.toEqual({ hookStatus: 'FAILED' });

    expect(requestsTo('/health?t=failing')).toHaveLength(1);
    expect(requestsTo('/fail?t=failing')).toHaveLength(3);
    expect(requestsTo('/ready?t=failing')).toHaveLength(1);
    expect(logs.filter((l) => l.check === '/fail?t=failing').map((l) => [l.attempt, l.status, l.ok]))
      .toEqual([[1, 500, false], [2, 500, false], [3, 500, false]]);
    expect(logs[logs.length - 1]).toEqual({ hookStatus: 'FAILED', failed: ['/fail?t=failing'] });
  });

  test('a flaky path passes on the second attempt', async () => {
    const config = smoke.parseConfig(JSON.stringify({ baseUrl, retryDelayMs: 10, checks: [{ path: '/flaky?t=flaky' }] }));
    const result = await smoke.runCheck(config, config.checks[0]);
    expect(result.path).toBe('/flaky?t=flaky');
    expect(result.ok).toBe(true);
    expect(result.attempts.map((a: any) => [a.attempt, a.status, a.ok])).toEqual([[1, 503, false], [2, 200, true]]);
    expect(requestsTo('/flaky?t=flaky')).toHaveLength(2);
  });

  test('a path that does not answer in time is a failed try with error "timeout"', async () => {
    const config = smoke.parseConfig(JSON.stringify({ baseUrl, attempts: 2, retryDelayMs: 10, timeoutMs: 100, checks: [{ path: '/slow' }] }));
    const started = Date.now();
    const result = await smoke.runCheck(config, config.checks[0]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]).toMatchObject({ check: '/slow', attempt: 1, error: 'timeout', ok: false });
    expect(result.attempts[0].status).toBeUndefined();
    expect(logs).toContainEqual(expect.objectContaining({ check: '/slow', attempt: 2, error: 'timeout' }));
  });

  test('a refused connection fails the hook without throwing', async () => {
    await expect(runHook({ baseUrl: `http://127.0.0.1:${closedPort}`, attempts: 2, retryDelayMs: 10, checks: [{ path: '/health' }] }))
      .resolves.toEqual({ hookStatus: 'FAILED' });
    expect(logs.filter((l) => l.check === '/health')).toEqual([
      expect.objectContaining({ attempt: 1, ok: false, error: expect.stringMatching(/ECONNREFUSED/) }),
      expect.objectContaining({ attempt: 2, ok: false, error: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
  });

  test('a 302 passes "200-399" and fails "200" (redirects are not followed)', async () => {
    const checks = [{ path: '/redirect', expect: '200-399' }, { path: '/redirect' }];
    const config = smoke.parseConfig(JSON.stringify({ baseUrl, attempts: 1, checks }));
    const wide = await smoke.runCheck(config, config.checks[0]);
    const narrow = await smoke.runCheck(config, config.checks[1]);
    expect(wide).toMatchObject({ ok: true, attempts: [{ status: 302, ok: true }] });
    expect(narrow).toMatchObject({ ok: false, attempts: [{ status: 302, ok: false }] });
  });

  test('a huge body is not read to the end', async () => {
    const config = smoke.parseConfig(JSON.stringify({ baseUrl, attempts: 1, timeoutMs: 3000, checks: [{ path: '/big' }] }));
    await expect(smoke.runCheck(config, config.checks[0])).resolves.toMatchObject({ ok: true, attempts: [{ status: 200, ok: true }] });
  });

  test('an invalid header value is a failed try, not a throw', async () => {
    await expect(runHook({ baseUrl, attempts: 1, headers: { 'x-bad': 'a\nb' }, checks: [{ path: '/health?t=badheader' }] }))
      .resolves.toEqual({ hookStatus: 'FAILED' });
    expect(requestsTo('/health?t=badheader')).toHaveLength(0);
    expect(logs).toContainEqual(expect.objectContaining({ check: '/health?t=badheader', ok: false, error: expect.any(String) }));
  });

  test.each<[string, string | undefined]>([
    ['missing', undefined],
    ['not JSON', 'not json'],
    ['without checks', JSON.stringify({ baseUrl: 'http://127.0.0.1:1' })],
  ])('a %s SMOKE_TEST fails the hook with a logged reason', async (_name, text) => {
    await expect(runHook(text)).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(logs[logs.length - 1]).toEqual({ hookStatus: 'FAILED', error: expect.stringMatching(/^invalid SMOKE_TEST configuration: /) });
  });

  test('a missing or empty event still runs the checks', async () => {
    process.env.SMOKE_TEST = JSON.stringify({ baseUrl, checks: [{ path: '/health?t=noevent' }] });
    await expect(smoke.handler(undefined)).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    await expect(smoke.handler({})).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(logs[0]).toEqual({});
  });
});

describe('handler over https', () => {
  const seen: Seen[] = [];
  let dir: string;
  let ca: string;
  let server: https.Server;
  let baseUrl: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-test-tls-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Smoke Test CA');
    openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=api.example.test');
    fs.writeFileSync(path.join(dir, 'server.ext'),
      'subjectAltName=DNS:api.example.test\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1',
      '-extfile', 'server.ext', '-out', 'server.pem');
    ca = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    const key = fs.readFileSync(path.join(dir, 'server.key'));
    server = https.createServer({ key, cert: fs.readFileSync(path.join(dir, 'server.pem')) }, app(seen));
    baseUrl = `https://127.0.0.1:${await listen(server)}`;
  });

  afterAll(async () => {
    await close(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tryOnce = (extra: object) => runHook({ baseUrl, attempts: 1, checks: [{ path: '/health' }], ...extra });
  const lastTry = () => logs.filter((l) => l.check === '/health').pop();

  test('the certificate name matches host and the private CA is trusted', async () => {
    await expect(tryOnce({ host: 'api.example.test', ca })).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(seen[seen.length - 1].headers.host).toBe('api.example.test');
  });

  test('a host the certificate does not name fails', async () => {
    await expect(tryOnce({ host: 'other.example.test', ca })).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(lastTry().error).toMatch(/altnames/);
  });

  test('without host the chain is verified but the name is not', async () => {
    await expect(tryOnce({ ca })).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('an untrusted chain fails', async () => {
    await expect(tryOnce({ host: 'api.example.test' })).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(lastTry().error).toMatch(/certificate/);
    await expect(tryOnce({})).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(lastTry().error).toMatch(/certificate/);
  });
});
