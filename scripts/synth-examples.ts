// The main job: synthesize every example app into cdk.out/<example>, run the four cdk-nag rule
// packs and the AWS Control Tower proactive controls (cfn-guard) over each stack, and print a
// summary per stack. Exits non-zero on any unacknowledged finding or unexempted violation.
// Needs no AWS account. Run: npx projen examples
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { EXAMPLES } from '../examples';

interface Exemption {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}

const root = path.resolve(__dirname, '..');
const exemptionsFile = path.join(root, 'policy-exemptions.json');
const exemptions: Exemption[] = JSON.parse(fs.readFileSync(exemptionsFile, 'utf8')).exemptions;
for (const e of exemptions) {
  if (!e.reason || e.reason.length < 20) throw new Error(`policy-exemptions.json: exemption ${e.rule} on ${e.resource} needs a reason`);
}
const used = new Set<Exemption>();
const exempted = (rule: string, resource: string) => {
  const match = exemptions.find((e) => e.rule === rule && new RegExp(`^${e.resource}$`).test(resource));
  if (match) used.add(match);
  return match !== undefined;
};

const guard = new CfnGuardValidator({ controlTowerRulesEnabled: true });
let failures = 0;
const rows: string[][] = [['example', 'stack', 'resources', 'nag findings', 'policy violations', 'exempted']];

for (const example of EXAMPLES) {
  const outdir = path.join(root, 'cdk.out', example.name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = example.create(new App({ outdir }));
  const assembly = app.synth();
  const stacks = app.node.findAll().filter(Stack.isStack);
  for (const stack of stacks) {
    const artifact = assembly.getStackByName(stack.stackName);
    const resources = Object.keys(artifact.template.Resources ?? {}).length;

    const nag: string[] = [];
    for (const pack of [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()]) {
      for (const v of pack.validateScope(stack).violations) {
        for (const r of v.violatingResources) nag.push(`${v.ruleName} on ${r.constructPath ?? r.resourceLogicalId}`);
      }
    }

    const report = guard.validate({ templatePaths: [path.join(outdir, artifact.templateFile)] });
    const violations: string[] = [];
    let exemptedCount = 0;
    for (const v of report.violations) {
      for (const r of v.violatingResources) {
        if (exempted(v.ruleName, r.resourceLogicalId)) exemptedCount++;
        else violations.push(`${v.ruleName} on ${r.resourceLogicalId}: ${v.description}`);
      }
    }

    rows.push([example.name, stack.stackName, String(resources), String(nag.length), String(violations.length), String(exemptedCount)]);
    for (const line of [...nag, ...violations]) console.error(`  ${stack.stackName}: ${line}`);
    failures += nag.length + violations.length;
  }
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
for (const e of exemptions) {
  if (!used.has(e)) console.log(`note: exemption ${e.rule} on ${e.resource} matched nothing; remove it if it is stale`);
}
console.log(failures === 0 ? 'examples: all stacks clean' : `examples: ${failures} unacknowledged finding(s) or violation(s)`);
process.exitCode = failures === 0 ? 0 : 1;
