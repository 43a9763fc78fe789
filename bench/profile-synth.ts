// Where synth time goes: the phases (construct, app.synth(), AwsSolutions) of both systems side by
// side, then a CPU profile (node:inspector, in this process) of --runs passes of one system after a
// warm-up, summed by self time per area (CDK's token resolution, cdk-nag, our constructors, ...)
// and per function. Run: npx projen bench:profile [-- --runs 5] [-- hand]
import * as inspector from 'inspector';
import { App, Stack } from 'aws-cdk-lib';
import { Pass, measure, median, numberArg } from './measure';
import { handBuiltSystem, ourSystem } from './systems';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Where a function's code lives, coarse enough to act on. */
const AREAS: Array<[string, RegExp]> = [
  ['CDK token resolution (resolve, tokens, lazy)', /aws-cdk-lib\/core\/lib\/(private\/(resolve|token-map|intrinsic|encoding|cloudformation-lang|lazy)|token|lazy|resolvable|string-fragments|stack-trace)/],
  ['CDK references and synthesis (prepare, refs, templates)', /aws-cdk-lib\/core\/lib\/(private\/(refs|prepare-app|synthesis|metadata-resource|tree-metadata|runtime-info)|stack|cfn-element|cfn-resource|stage|app|nested-stack)/],
  ['CDK assets (fingerprint, staging)', /aws-cdk-lib\/core\/lib\/(asset-staging|fs)|aws-cdk-lib\/aws-ecr-assets|aws-cdk-lib\/aws-s3-assets/],
  ['CDK constructs (L2 libraries)', /aws-cdk-lib\/aws-/],
  ['CDK other', /aws-cdk-lib\//],
  ['cdk-nag', /cdk-nag/],
  ['constructs (tree)', /node_modules\/constructs\//],
  ['this library (src/)', /\/src\//],
  ['examples and bench', /\/(examples|bench)\//],
  ['node internals, native calls and GC', /^node:|^$/],
];

function areaOf(url: string): string {
  return AREAS.find(([, re]) => re.test(url))?.[0] ?? 'other';
}

async function profile(fn: () => void): Promise<Profile> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<any>((resolve, reject) =>
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  fn();
  const { profile: p } = await post('Profiler.stop');
  session.disconnect();
  return p as Profile;
}

async function main(): Promise<void> {
  const runs = numberArg('runs', 5);
  const which = process.argv.includes('hand') ? 'hand' : 'ours';
  const build = which === 'hand' ? handBuiltSystem : ourSystem;
  const systems: Array<[string, (app: App) => Stack[]]> = [['ThreeTierApp (examples/three-tier)', ourSystem], ['hand-built (ecs-patterns)', handBuiltSystem]];
  for (const [, b] of systems) measure(b); // warm-up: module loading
  const rows = systems.map(() => [] as Pass[]);
  for (let i = 0; i < runs; i++) systems.forEach(([, b], k) => rows[k].push(measure(b)));
  console.log(`phases, median of ${runs} alternating passes (ms), and what synth works through`);
  console.log('system                               construct  synth  AwsSolutions  resources  intrinsics  synth ms per resource  per intrinsic');
  systems.forEach(([name], k) => {
    const m = (['construct', 'synth', 'checks'] as const).map((phase) => median(rows[k].map((r) => r.phases[phase])));
    const { resources, intrinsics: values } = rows[k][0];
    console.log(`${name.padEnd(36)} ${m[0].toFixed(0).padStart(9)}  ${m[1].toFixed(0).padStart(5)}  ${m[2].toFixed(0).padStart(12)}  ` +
      `${String(resources).padStart(9)}  ${String(values).padStart(10)}  ${(m[1] / resources).toFixed(2).padStart(21)}  ${(m[1] / values).toFixed(3).padStart(13)}`);
  });
  measure(build);
  const p = await profile(() => { for (let i = 0; i < runs; i++) measure(build); });
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of p.nodes) {
    const t = self.get(node.id) ?? 0;
    if (!t) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url);
    byArea.set(area, (byArea.get(area) ?? 0) + t);
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/[^/]+\//, '')}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  console.log(`\nprofile of ${which === 'hand' ? 'hand-built' : 'ThreeTierApp (examples/three-tier)'}: ${runs} passes, ${(total / 1000 / runs).toFixed(0)} ms of samples a pass (the profiler slows it)`);
  console.log('\nself time by area');
  for (const [area, t] of [...byArea].sort((a, b) => b[1] - a[1])) console.log(`${pct(t)}  ${area}`);
  console.log('\nself time by function (top 25)');
  for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(t)}  ${fn}`);
}

void main();
