// The main job: synthesize every example app into cdk.out/<example>, run the four cdk-nag rule
// packs and the AWS Control Tower proactive controls (cfn-guard) over each stack, and print a
// summary per stack, then what the main example deploys. Exits non-zero on any unacknowledged
// finding or unexempted violation. Needs no AWS account. Run: npx projen examples
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { PolicyGate } from './policy-gate';
import { printSummary } from './summary';
import { EXAMPLES } from '../examples';
import { nagFindings } from '../test/helpers/nag';

const root = path.resolve(__dirname, '..');
const gate = PolicyGate.fromFile(path.join(root, 'policy-exemptions.json'));
let failures = 0;
const rows: string[][] = [['example', 'stack', 'resources', 'nag findings', 'policy violations', 'exempted']];
const MAIN_EXAMPLE = 'three-tier'; // the full system; its summary is printed after the table
let summarize = () => {};

for (const example of EXAMPLES) {
  const outdir = path.join(root, 'cdk.out', example.name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = example.create(new App({ outdir }));
  const assembly = app.synth();
  const stacks = app.node.findAll().filter(Stack.isStack);
  if (example.name === MAIN_EXAMPLE) summarize = () => printSummary(example.name, assembly, stacks);
  for (const stack of stacks) {
    const artifact = assembly.getStackByName(stack.stackName);
    const resources = Object.keys(artifact.template.Resources ?? {}).length;

    const nag = nagFindings(stack).map((f) => `${f.rule} on ${f.resource}`);

    const { violations, exempted } = gate.check(path.join(outdir, artifact.templateFile));

    rows.push([example.name, stack.stackName, String(resources), String(nag.length), String(violations.length), String(exempted)]);
    for (const line of [...nag, ...violations]) console.error(`  ${stack.stackName}: ${line}`);
    failures += nag.length + violations.length;
  }
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
summarize();
for (const e of gate.unused()) {
  console.log(`note: exemption ${e.rule} on ${e.resource} matched nothing; remove it if it is stale`);
}
console.log(failures === 0 ? 'examples: all stacks clean' : `examples: ${failures} unacknowledged finding(s) or violation(s)`);
process.exitCode = failures === 0 ? 0 : 1;
