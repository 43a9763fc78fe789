// Draws docs/architecture.png (and its Graphviz source, docs/architecture.dot) from the main
// example, examples/three-tier. Synthesizes the app into cdk.out/diagram, writes a tidied copy of
// its construct tree (each tier a named cluster, monitoring grouped, deploy-time plumbing left out)
// and has cdk-dia render that with Graphviz. Needs Graphviz's `dot` on PATH, so CI never runs it.
// Run: apt-get install -y graphviz && npx projen diagram
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, TreeInspector } from 'aws-cdk-lib';
import { CdkDia, CdkDiaDecorator, CollapseTypes } from 'cdk-dia';
import { createApp } from '../examples/three-tier/app';
import { ThreeTierApp } from '../src';

/** One node of cdk.out/tree.json. */
interface TreeNode {
  id: string;
  path: string;
  children?: Record<string, TreeNode>;
  attributes?: Record<string, unknown>;
  constructInfo?: { fqn: string; version: string };
}

const root = path.resolve(__dirname, '..');
const outdir = path.join(root, 'cdk.out', 'diagram');
const png = path.join(root, 'docs', 'architecture.png');
const dot = png.replace(/\.png$/, '.dot');

// Deploy-time plumbing a reader of an architecture picture does not need: IAM, CDK's provider
// functions and custom resources, asset staging, the cross-region export reader and writer.
const PLUMBING_TYPES = new Set([
  'aws_iam.Role', 'aws_iam.Policy', 'aws_iam.ManagedPolicy',
  'CustomResourceProviderBase', 'aws_logs.LogRetention', 'custom_resources.AwsCustomResource',
  'aws_lambda.SingletonFunction', 'lambda_layer_awscli.AwsCliLayer', 'aws_s3_assets.Asset', 'AssetStaging',
  'CfnParameter', 'CfnRule', 'CfnOutput',
].map((t) => `aws-cdk-lib.${t}`));
// Stack-level singletons: the AwsCustomResource provider, Custom::* providers, cross-region exports.
const PLUMBING_IDS = /^(AWS679f53fac002430cb0da5b7982bd2287|Custom::|Exports(Reader|Writer))/;
// A service's alarms, event rules and dashboard become one "Monitoring" node inside it.
const MONITORING_TYPES = new Set(['aws_cloudwatch.Alarm', 'aws_cloudwatch.Dashboard', 'aws_events.Rule'].map((t) => `aws-cdk-lib.${t}`));

try {
  execFileSync('dot', ['-V'], { stdio: 'ignore' });
} catch {
  throw new Error("Graphviz's `dot` is not on PATH: apt-get install -y graphviz (or brew install graphviz), then run again");
}

fs.rmSync(outdir, { recursive: true, force: true });
const app = createApp(new App({ outdir }));
app.synth();

const tree = JSON.parse(fs.readFileSync(path.join(outdir, 'tree.json'), 'utf-8')) as { version: string; tree: TreeNode };
const byPath = new Map<string, TreeNode>();
index(tree.tree);

prune(tree.tree);
tree.tree.id = 'examples/three-tier';
for (const stack of app.node.findAll().filter(Stack.isStack)) {
  relabel(stack.node.path, `${stack.stackName} (${stack.region})`);
}
for (const system of app.node.findAll().filter((c): c is ThreeTierApp => c instanceof ThreeTierApp)) {
  const tiers: Array<[{ node: { path: string } } | undefined, string]> = [
    [system.network, 'Network'], [system.webTier, 'Web tier'], [system.appTier, 'App tier'],
    [system.dataTier, 'Data tier'], [system.logArchive, 'Log archive'], [system.node.tryFindChild('Auth'), 'Auth'],
  ];
  relabel(system.node.path, `${system.node.id} (ThreeTierApp)`);
  // cdk-dia draws a cluster of one as that one, so the network tier shows as its VPC.
  relabel(system.network.vpc.node.path, 'Network: VPC');
  const tierPaths = new Set<string>();
  for (const [tier, label] of tiers) {
    if (!tier) continue;
    tierPaths.add(tier.node.path);
    relabel(tier.node.path, label);
  }
  // What is left beside the tiers is the system's observability: alarms, dashboard, topic, Slack.
  group(system.node.path, 'Observability', (child) => !tierPaths.has(child.path));
  for (const service of system.appTier.services) {
    group(service.node.path, 'Monitoring', (child) => MONITORING_TYPES.has(child.constructInfo?.fqn ?? ''), { collapse: true });
  }
  // Glue tables and Athena queries as one node (cdk-dia has no icon for either).
  group(system.logArchive.node.path, 'Athena + Glue tables', (child) => /^aws-cdk-lib\.aws_(athena|glue)\./.test(child.constructInfo?.fqn ?? ''),
    { collapse: true });
  // The site upload is one custom resource once its handler is gone; keep its name on it.
  collapseAll('aws-cdk-lib.aws_s3_deployment.BucketDeployment');
}

const tidied = path.join(outdir, 'diagram-tree.json');
fs.writeFileSync(tidied, JSON.stringify(tree));

fs.mkdirSync(path.dirname(png), { recursive: true });
fs.rmSync(png, { force: true });
fs.rmSync(dot, { force: true });
const cdkDiaPackage = require.resolve('cdk-dia/package.json');
const { bin } = JSON.parse(fs.readFileSync(cdkDiaPackage, 'utf-8')) as { bin: Record<string, string> };
const cli = path.join(path.dirname(cdkDiaPackage), bin['cdk-dia']);
execFileSync(process.execPath, [cli, '--tree', tidied, '--target', png], { stdio: 'inherit' });
// cdk-dia reports a failed render and still exits 0, so check for the picture ourselves.
if (!fs.existsSync(png) || fs.statSync(png).size === 0) {
  throw new Error(`cdk-dia wrote no ${path.relative(root, png)}; see its message above`);
}
// cdk-dia's icon paths are absolute and its 200 dpi makes a 9,000-pixel-wide picture. Make the
// paths relative to the repository root and halve the dpi, then draw the PNG again from the .dot,
// so that `dot -Tpng docs/architecture.dot -o docs/architecture.png` run there gives the same file.
fs.writeFileSync(dot, fs.readFileSync(dot, 'utf-8').split(`${root}${path.sep}`).join('').replace(/^(\s*)dpi = \d+;$/m, '$1dpi = 100;'));
execFileSync('dot', ['-Tpng', path.relative(root, dot), '-o', path.relative(root, png)], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
console.log(`${path.relative(root, png)}: ${fs.statSync(png).size} bytes`);

function index(node: TreeNode) {
  byPath.set(node.path, node);
  for (const child of Object.values(node.children ?? {})) index(child);
}

function prune(node: TreeNode) {
  for (const [key, child] of Object.entries(node.children ?? {})) {
    if (PLUMBING_TYPES.has(child.constructInfo?.fqn ?? '') || PLUMBING_IDS.test(child.id)) {
      delete node.children![key];
    } else {
      prune(child);
    }
  }
}

/** The label cdk-dia shows is the node's id; its identity (and every edge) is its path, which stays. */
function relabel(nodePath: string, label: string) {
  const node = byPath.get(nodePath);
  if (node) node.id = label;
}

/**
 * Moves the children of `parentPath` that `select` picks under a new node `label`. Collapsed, the
 * group is drawn as one node with its first child's icon: an L2 has no icon of its own, so each L2
 * is replaced by its L1 `Resource` (same path, so edges still resolve).
 */
function group(parentPath: string, label: string, select: (child: TreeNode) => boolean, options: { collapse?: boolean } = {}) {
  const parent = byPath.get(parentPath);
  if (!parent?.children) return;
  const picked = Object.entries(parent.children).filter(([, child]) => select(child));
  if (picked.length === 0) return;
  for (const [key] of picked) delete parent.children[key];
  const members = picked.map(([key, child]): [string, TreeNode] => [key, options.collapse ? child.children?.Resource ?? child : child]);
  const node: TreeNode = { id: label, path: `${parentPath}/${label}`, children: Object.fromEntries(members) };
  if (options.collapse) decorate(node, CollapseTypes.FORCE_COLLAPSE);
  parent.children[label] = node;
}

function collapseAll(fqn: string) {
  for (const node of byPath.values()) {
    if (node.constructInfo?.fqn === fqn) decorate(node, CollapseTypes.FORCE_COLLAPSE);
  }
}

/** cdk-dia's own customization: the attributes its decorator adds, as `inspect()` would add them. */
function decorate(node: TreeNode, collapse: CollapseTypes) {
  const inspector = new TreeInspector();
  CdkDia.decorate(inspector, new CdkDiaDecorator().collapse(collapse));
  node.attributes = { ...node.attributes, ...inspector.attributes };
}
