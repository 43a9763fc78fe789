#!/usr/bin/env node
// Import a ManagedGrafana's data sources and dashboards into its Amazon Managed Grafana workspace.
// CloudFormation creates the workspace but nothing inside Grafana; the construct leaves an import
// manifest in the workspace resource's metadata (resolved by CloudFormation at deploy time).
//
//   npx -p cdk-three-tier cdk-three-tier-grafana-import --stack <stack> [--region <region>] [--logical-id <id>]
//   npx -p cdk-three-tier cdk-three-tier-grafana-import --manifest <manifest.json> --workspace-id g-... [--region <region>]
//     --dashboards <dir>   also import every *.json dashboard model in <dir>
//     --dry-run            print the requests instead of sending them (reads the stack only)
//
// Needs Node 20 and the AWS CLI v2 with credentials for the workspace's account. Grafana is called
// with GRAFANA_TOKEN when set, else with a 10-minute token of the `cdk-three-tier-importer` service
// account (Admin; created once), deleted when the import ends. Data sources keep fixed uids
// (cloudwatch, prometheus, prometheus-2, ..., athena): the dashboards name them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const MANIFEST_KEY = 'cdk-three-tier:grafana';
export const MANIFEST_FORMAT = 'cdk-three-tier/grafana@1';
export const SERVICE_ACCOUNT = 'cdk-three-tier-importer';
export const TOKEN_SECONDS = 600;

const USAGE = 'usage: grafana-import.mjs --stack <stack> [--region <r>] [--logical-id <id>] | --manifest <file> --workspace-id <g-...> [--region <r>]'
  + ' [--dashboards <dir>] [--dry-run]';

/** Command-line options; throws with the usage on anything else. */
export function parseArgs(argv) {
  const opts = { dryRun: false };
  const names = { '--stack': 'stack', '--region': 'region', '--logical-id': 'logicalId', '--manifest': 'manifest', '--workspace-id': 'workspaceId', '--dashboards': 'dashboards' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') { opts.dryRun = true; continue; }
    const key = names[arg];
    if (!key || argv[i + 1] === undefined || argv[i + 1].startsWith('--')) throw new Error(`${arg}: unknown option or missing value\n${USAGE}`);
    opts[key] = argv[++i];
  }
  if (!opts.stack === !opts.manifest) throw new Error(`give --stack or --manifest (one of them)\n${USAGE}`);
  if (opts.manifest && !opts.workspaceId) throw new Error(`--manifest needs --workspace-id\n${USAGE}`);
  if (opts.workspaceId && !/^g-[0-9a-f]{10}$/.test(opts.workspaceId)) throw new Error(`--workspace-id ${opts.workspaceId}: a workspace id is g- and 10 hex digits`);
  return opts;
}

/** `aws` CLI arguments of each call the importer makes (JSON output). */
export const awsArgs = {
  workspaceResources: (stack, region) => ['cloudformation', 'list-stack-resources', '--stack-name', stack, ...regionArg(region),
    '--query', "StackResourceSummaries[?ResourceType=='AWS::Grafana::Workspace'].LogicalResourceId"],
  resourceDetail: (stack, logicalId, region) => ['cloudformation', 'describe-stack-resource', '--stack-name', stack, '--logical-resource-id', logicalId, ...regionArg(region)],
  describeWorkspace: (workspaceId, region) => ['grafana', 'describe-workspace', '--workspace-id', workspaceId, ...regionArg(region)],
  listServiceAccounts: (workspaceId, region) => ['grafana', 'list-workspace-service-accounts', '--workspace-id', workspaceId, ...regionArg(region)],
  createServiceAccount: (workspaceId, region) => ['grafana', 'create-workspace-service-account', '--workspace-id', workspaceId,
    '--grafana-role', 'ADMIN', '--name', SERVICE_ACCOUNT, ...regionArg(region)],
  createToken: (workspaceId, serviceAccountId, name, region) => ['grafana', 'create-workspace-service-account-token', '--workspace-id', workspaceId,
    '--service-account-id', serviceAccountId, '--name', name, '--seconds-to-live', String(TOKEN_SECONDS), ...regionArg(region)],
  deleteToken: (workspaceId, serviceAccountId, tokenId, region) => ['grafana', 'delete-workspace-service-account-token', '--workspace-id', workspaceId,
    '--service-account-id', serviceAccountId, '--token-id', tokenId, ...regionArg(region)],
};

function regionArg(region) {
  return region ? ['--region', region] : [];
}

/** The manifest in a resource's metadata (DescribeStackResource returns it as a JSON string). */
export function manifestFromMetadata(metadata) {
  if (!metadata) return undefined;
  const parsed = typeof metadata === 'string' ? JSON.parse(metadata) : metadata;
  const manifest = parsed[MANIFEST_KEY];
  if (manifest && manifest.format !== MANIFEST_FORMAT) throw new Error(`manifest format ${manifest.format} is not ${MANIFEST_FORMAT}: update this script`);
  return manifest;
}

/** Every data source reference (panel and target level) of a dashboard model. */
export function dataSourceRefs(model) {
  const refs = [];
  const visit = (panels, where) => {
    for (const panel of panels ?? []) {
      const at = `${where} / ${panel.title ?? panel.id}`;
      if (panel.datasource) refs.push({ at, uid: panel.datasource.uid, type: panel.datasource.type });
      for (const target of panel.targets ?? []) {
        if (target.datasource) refs.push({ at: `${at} / ${target.refId}`, uid: target.datasource.uid, type: target.datasource.type });
      }
      visit(panel.panels, at);
    }
  };
  visit(model.panels, model.title ?? model.uid);
  return refs;
}

/** References to data sources the manifest does not provision (the import would draw empty panels). */
export function danglingReferences(manifest, extraDashboards = []) {
  const known = new Map(manifest.dataSources.map((ds) => [ds.uid, ds.type]));
  return [...manifest.dashboards.map((d) => d.model), ...extraDashboards]
    .flatMap(dataSourceRefs)
    .filter((ref) => known.get(ref.uid) !== ref.type)
    .map((ref) => `${ref.at}: ${ref.type} ${ref.uid}`);
}

/**
 * The Grafana HTTP API requests of an import, in order: missing plugins, data sources (update by
 * uid when it exists, else create), then every dashboard, overwriting the previous version.
 */
export function importPlan(manifest, state = {}) {
  const existing = new Set(state.existingDataSourceUids ?? []);
  const installed = new Set(state.installedPlugins ?? []);
  const requests = [];
  for (const plugin of manifest.plugins ?? []) {
    if (!installed.has(plugin)) requests.push({ method: 'POST', path: `/api/plugins/${plugin}/install`, body: {} });
  }
  for (const ds of manifest.dataSources) {
    requests.push(existing.has(ds.uid)
      ? { method: 'PUT', path: `/api/datasources/uid/${encodeURIComponent(ds.uid)}`, body: ds }
      : { method: 'POST', path: '/api/datasources', body: ds });
  }
  for (const model of [...manifest.dashboards.map((d) => d.model), ...(state.extraDashboards ?? [])]) {
    requests.push({
      method: 'POST',
      path: '/api/dashboards/db',
      body: { dashboard: { ...model, id: null }, overwrite: true, message: 'Imported by cdk-three-tier grafana-import' },
    });
  }
  return requests;
}

/** The one Grafana workspace of the stack that carries a manifest (or the one named by logicalId). */
export function pickWorkspace(candidates, logicalId) {
  const withManifest = candidates.filter((c) => c.manifest);
  const chosen = logicalId ? withManifest.filter((c) => c.logicalId === logicalId) : withManifest;
  if (chosen.length === 1) return chosen[0];
  if (chosen.length === 0) {
    throw new Error(logicalId
      ? `no Grafana workspace ${logicalId} with a cdk-three-tier manifest in the stack`
      : 'no Grafana workspace with a cdk-three-tier manifest in the stack (a ManagedGrafana in a nested stack: pass the nested stack\'s name)');
  }
  throw new Error(`several workspaces carry a manifest (${chosen.map((c) => c.logicalId).join(', ')}): pass --logical-id`);
}

function aws(args) {
  const out = execFileSync('aws', [...args, '--output', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim() ? JSON.parse(out) : {};
}

function loadFromStack(opts) {
  const ids = aws(awsArgs.workspaceResources(opts.stack, opts.region));
  const candidates = ids.map((logicalId) => {
    const detail = aws(awsArgs.resourceDetail(opts.stack, logicalId, opts.region)).StackResourceDetail;
    return { logicalId, workspaceId: detail.PhysicalResourceId, manifest: manifestFromMetadata(detail.Metadata) };
  });
  return pickWorkspace(candidates, opts.logicalId);
}

function readDashboards(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

async function grafanaCall(base, token, request) {
  const response = await fetch(base + request.path, {
    method: request.method,
    headers: { 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept': 'application/json' },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  return { status: response.status, body: text };
}

async function main(argv) {
  const opts = parseArgs(argv);
  const found = opts.manifest
    ? { manifest: JSON.parse(readFileSync(opts.manifest, 'utf8')), workspaceId: opts.workspaceId }
    : loadFromStack(opts);
  const workspaceId = opts.workspaceId ?? found.workspaceId;
  const manifest = found.manifest;
  const extraDashboards = opts.dashboards ? readDashboards(opts.dashboards) : [];
  const dangling = danglingReferences(manifest, extraDashboards);
  if (dangling.length) throw new Error(`dashboards reference data sources this import does not provision:\n  ${dangling.join('\n  ')}`);

  if (opts.dryRun) {
    for (const r of importPlan(manifest, { extraDashboards })) console.log(`${r.method} ${r.path}`);
    return;
  }
  const endpoint = aws(awsArgs.describeWorkspace(workspaceId, opts.region)).workspace.endpoint;
  const base = `https://${endpoint}`;
  let token = process.env.GRAFANA_TOKEN;
  let cleanup = () => {};
  if (!token) {
    const accounts = aws(awsArgs.listServiceAccounts(workspaceId, opts.region)).serviceAccounts ?? [];
    const account = accounts.find((a) => a.name === SERVICE_ACCOUNT) ?? aws(awsArgs.createServiceAccount(workspaceId, opts.region));
    const created = aws(awsArgs.createToken(workspaceId, account.id, `import-${Date.now()}`, opts.region)).serviceAccountToken;
    token = created.key;
    cleanup = () => aws(awsArgs.deleteToken(workspaceId, account.id, created.id, opts.region));
  }
  try {
    const installedPlugins = [];
    for (const plugin of manifest.plugins ?? []) {
      if ((await grafanaCall(base, token, { method: 'GET', path: `/api/plugins/${plugin}/settings` })).status === 200) installedPlugins.push(plugin);
    }
    const existingDataSourceUids = [];
    for (const ds of manifest.dataSources) {
      if ((await grafanaCall(base, token, { method: 'GET', path: `/api/datasources/uid/${encodeURIComponent(ds.uid)}` })).status === 200) existingDataSourceUids.push(ds.uid);
    }
    for (const request of importPlan(manifest, { existingDataSourceUids, installedPlugins, extraDashboards })) {
      const { status, body } = await grafanaCall(base, token, request);
      if (status < 200 || status >= 300) throw new Error(`${request.method} ${request.path}: HTTP ${status} ${body}`);
      const url = request.path === '/api/dashboards/db' ? JSON.parse(body).url : undefined;
      console.log(`${request.method} ${request.path}: ${status}${url ? ` ${base}${url}` : ''}`);
    }
  } finally {
    cleanup();
  }
}

// Run as a command: npm's bin link is a symlink, so compare real paths (tests import the module).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
