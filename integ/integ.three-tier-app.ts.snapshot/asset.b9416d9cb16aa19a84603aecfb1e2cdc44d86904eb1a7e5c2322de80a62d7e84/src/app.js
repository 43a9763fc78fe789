// The HTTP API: routing, body limits, error mapping, metrics and access logs.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { HttpError, StoreUnavailableError, badRequest, notFound } from './errors.js';
import { parseCreate, parseId, parseListQuery, parseReplace } from './items.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

function send(res, status, body, headers = {}) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) }),
    ...headers,
  });
  res.end(payload);
}

function errorBody(code, message, details) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** Reads a JSON body: 415 for other media types, 413 past the limit, 400 for malformed JSON. */
function readJson(req, maxBytes) {
  return new Promise((resolve, reject) => {
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      reject(new HttpError(415, 'unsupported_media_type', 'Send the body as application/json'));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      reject(new HttpError(413, 'payload_too_large', `The body is ${declared} bytes; the limit is ${maxBytes}`));
      return;
    }
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(new HttpError(413, 'payload_too_large', `The body is over the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => { if (!failed) { failed = true; reject(err); } });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(badRequest('The body is not valid JSON'));
      }
    });
  });
}

/** The request target as a URL; a target that isn't one is the client's error. */
function parseUrl(target) {
  try {
    return new URL(target, 'http://service');
  } catch {
    throw badRequest('The request target is not a valid URL path');
  }
}

const methodNotAllowed = (allow) => Object.assign(new HttpError(405, 'method_not_allowed', `Use ${allow}`), { allow });

/**
 * Creates the request listener. `state.draining` is set on SIGTERM: /readyz then fails and every
 * response asks the client to close its connection, so keep-alive clients move to other tasks.
 */
export function createHandler({ store, metrics, log, config, state, auth }) {
  // With sign-in on, writes carry the caller's `sub`; the stores refuse changes by anyone but the owner.
  const writer = async (req) => (auth ? (await auth.authenticate(req)).sub : undefined);
  const reader = async (req) => { if (auth?.readsSignedIn) await auth.authenticate(req); };
  const owned = async (work) => {
    try {
      return await work();
    } catch (err) {
      if (err?.status === 403) metrics.authFailures.inc({ reason: 'forbidden' });
      throw err;
    }
  };
  // Checked when the response is written, so requests that began before SIGTERM and answer after
  // it close their connection too.
  const reply = (res, status, body, headers) => send(res, status, body, state.draining ? { ...headers, connection: 'close' } : headers);
  const routes = {
    async items(req, res, url) {
      if (req.method === 'GET' || req.method === 'HEAD') {
        await reader(req);
        return reply(res, 200, await store.list(parseListQuery(url.searchParams)));
      }
      if (req.method === 'POST') {
        const owner = await writer(req);
        const item = await store.create({ ...parseCreate(await readJson(req, config.maxBodyBytes)), owner });
        return reply(res, 201, item, { location: `${config.basePath}/items/${item.id}` });
      }
      throw methodNotAllowed('GET, POST');
    },
    async item(req, res, url, rawId) {
      const id = parseId(rawId);
      if (req.method === 'GET' || req.method === 'HEAD') {
        await reader(req);
        return reply(res, 200, await store.get(id));
      }
      if (req.method === 'PUT') {
        const owner = await writer(req);
        const input = parseReplace(await readJson(req, config.maxBodyBytes));
        return reply(res, 200, await owned(() => store.replace(id, input, owner)));
      }
      if (req.method === 'DELETE') {
        const owner = await writer(req);
        await owned(() => store.delete(id, owner));
        // 200 with a body, as the users' clients expect (not 204).
        return reply(res, 200, { id, deleted: true });
      }
      throw methodNotAllowed('GET, PUT, DELETE');
    },
  };

  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    const requestId = req.headers['x-request-id'] || req.headers['x-amzn-trace-id'] || randomUUID();
    res.setHeader('x-request-id', requestId);
    metrics.inFlight.inc();
    let route = 'unknown';
    try {
      const url = parseUrl(req.url);
      // Probes and metrics answer on the bare path only (the load balancer's health check and the
      // collector's scrape), so BASE_PATH doesn't publish them through CloudFront.
      const probe = url.pathname;
      let path = null;
      if (!config.basePath) path = url.pathname;
      else if (url.pathname.startsWith(`${config.basePath}/`)) path = url.pathname.slice(config.basePath.length);
      const match = path && /^\/items\/([^/]+)$/.exec(path);
      if (probe === '/healthz') {
        route = '/healthz';
        reply(res, 200, { status: 'ok' });
      } else if (probe === '/readyz') {
        route = '/readyz';
        if (state.draining) reply(res, 503, { status: 'draining' });
        else {
          await store.ping();
          reply(res, 200, { status: 'ready', store: store.kind });
        }
      } else if (probe === '/metrics') {
        route = '/metrics';
        res.writeHead(200, { 'content-type': metrics.registry.contentType, ...(state.draining ? { connection: 'close' } : {}) });
        res.end(await metrics.registry.metrics());
      } else if (path === '/items' || path === '/items/') {
        route = '/items';
        await routes.items(req, res, url);
      } else if (match) {
        route = '/items/{id}';
        await routes.item(req, res, url, decodeURIComponent(match[1]));
      } else {
        throw notFound(`No route for ${req.method} ${url.pathname}`);
      }
    } catch (err) {
      if ((req.destroyed && !req.complete) || err?.code === 'ECONNRESET' || err?.message === 'aborted') {
        res.statusCode = 499; // the client went away mid-request (nginx's code); nothing to answer
        res.destroy();
      } else if (res.headersSent) {
        log.error('failed after the response started', { requestId, error: err.message });
        res.destroy();
      } else if (err instanceof HttpError) {
        const headers = { ...err.headers, ...(err.allow ? { allow: err.allow } : {}) };
        // The rest of an oversized or unread body (e.g. a POST refused for its token) is not worth reading.
        if (err.status === 413 || err.status === 415 || !req.complete) headers.connection = 'close';
        reply(res, err.status, errorBody(err.code, err.message, err.details), headers);
      } else if (err instanceof StoreUnavailableError) {
        metrics.storeErrors.inc();
        log.warn('database unavailable', { requestId, error: err.cause?.message ?? err.message });
        reply(res, 503, errorBody('unavailable', 'The database is unavailable; retry shortly'), { 'retry-after': '2' });
      } else if (err instanceof URIError) {
        reply(res, 400, errorBody('bad_request', 'The path is not valid percent-encoding'));
      } else {
        log.error('unhandled error', { requestId, error: err?.stack ?? String(err) });
        reply(res, 500, errorBody('internal', 'Internal error'));
      }
    } finally {
      metrics.inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ method: req.method, route, status: res.statusCode });
      metrics.duration.observe({ method: req.method, route }, seconds);
      const quiet = route === '/healthz' || route === '/metrics' || route === '/readyz';
      log[quiet && res.statusCode < 500 ? 'debug' : 'info']('request', {
        requestId, method: req.method, route, path: req.url.split('?')[0], status: res.statusCode, ms: Math.round(seconds * 1e4) / 10,
      });
    }
  };
}

/** An http.Server with timeouts suited to a load balancer in front (ALB idle timeout is 60 s). */
export function createServer(options) {
  const server = http.createServer(createHandler(options));
  server.keepAliveTimeout = 65_000; // longer than the ALB's, so the ALB closes first
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}

/**
 * Graceful stop: mark draining (readyz 503, Connection: close), keep answering for drainMs while
 * the load balancer stops sending, stop accepting, let in-flight requests finish (at most
 * shutdownTimeoutMs), then close the database pool.
 */
export async function shutdown({ server, store, log, config, state }, signal) {
  if (state.draining) return;
  state.draining = true;
  log.info('shutdown started', { signal, drainMs: config.drainMs });
  await new Promise((resolve) => setTimeout(resolve, config.drainMs));
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs); });
  if (await Promise.race([closed, timedOut]) === 'timeout') {
    log.warn('in-flight requests still open at the shutdown timeout; closing them', {});
    server.closeAllConnections();
  }
  clearTimeout(timer);
  await store.close();
  log.info('shutdown complete', {});
}
