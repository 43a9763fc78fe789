// The new user's app: every example app and every README system, synthesized from the packed
// library in a fresh CDK app, with the four cdk-nag packs added the way cdk-nag's README says.
// Fails on any error, any aws-cdk-lib template-validation finding, any unacknowledged rule-pack
// finding, any warning annotation not listed in KNOWN_WARNINGS, and any deprecation warning our
// code (library, examples or README) causes. Deprecations aws-cdk-lib causes inside itself are
// printed, not failed.
// Usage (from the app folder, after tsc): node check.js recommended|none
import * as fs from 'fs';
import * as path from 'path';

// Before aws-cdk-lib loads: catch jsii deprecation warnings with the stack that caused them.
Error.stackTraceLimit = 60;
const deprecations = new Map<string, { ours: boolean; caller: string }>();
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (args[0] === '[WARNING]' && /is deprecated/.test(String(args[1]))) {
    // Frames: the print helper(s) in .warnings.jsii.js, then the deprecated member, then its caller.
    const frames = (new Error().stack ?? '').split('\n').slice(2).filter((f) => !/check\.js/.test(f));
    const afterPrint = frames.findIndex((f) => !/\.warnings\.jsii\.js/.test(f));
    const caller = frames[afterPrint + 1] ?? '?';
    const ours = !/node_modules[\\/]aws-cdk-lib[\\/]/.test(caller);
    const message = String(args[1]).split('\n')[0];
    deprecations.set(`${message} @ ${caller.trim()}`, { ours, caller: caller.trim() });
    return;
  }
  warn(...args);
};

/* eslint-disable import/first */
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { EXAMPLES } from './examples/index';
import { README_SYSTEMS } from './readme-systems';

/** Warnings we accept, each with why: [construct path pattern, message pattern, reason]. */
const mode = process.argv[2];
const KNOWN_WARNINGS: Array<[RegExp, RegExp, string]> = [
  [/ItemsDynamoDbEdge$/, /Set -c zoneId=\.\.\. -c zoneName=/,
    'the items-dynamodb-domain example reminds whoever deploys it to pass their own hosted zone'],
  ...(mode === 'none' ? [[/.*/, /No cross-stack-reference strength configured/,
    'without flags, aws-cdk-lib asks every app with cross-region references to choose a reference strength; the recommended flags choose it'] as [RegExp, RegExp, string]] : []),
];

interface Problem { readonly kind: string; readonly where: string; readonly what: string }

if (mode !== 'recommended' && mode !== 'none') throw new Error('usage: node check.js recommended|none');
const context: Record<string, unknown> = mode === 'recommended' ? JSON.parse(fs.readFileSync('cdk.json', 'utf8')).context : {};
const cdkVersion = require('aws-cdk-lib/package.json').version;
console.log(`aws-cdk-lib ${cdkVersion}, cdk-nag ${require('cdk-nag/package.json').version}, ` +
  `cdk-three-tier ${require('cdk-three-tier/package.json').version}; context: ${mode === 'recommended' ? `${Object.keys(context).length} keys from cdk.json` : 'none'}`);

const cases: Array<{ name: string; build: (app: App) => void }> = [
  ...EXAMPLES.map((e: { name: string; create: (app: App) => App }) => ({ name: `example ${e.name}`, build: (app: App) => { e.create(app); } })),
  ...README_SYSTEMS.map((r) => ({
    name: r.name,
    build: (app: App) => {
      const stack = r.build(app);
      // A block that builds its own stacks from `app` leaves its `this` stack without resources.
      if (!stack.node.findAll().some((c) => CfnElement.isCfnElement(c))) app.node.tryRemoveChild(stack.node.id);
    },
  })),
];

let failures = 0;
const acceptedWarnings = new Set<string>();
for (const c of cases) {
  const outdir = path.join('cdk.out', mode, c.name.replace(/\W+/g, '-'));
  fs.rmSync(outdir, { recursive: true, force: true });
  const problems: Problem[] = [];
  let stacks = 0;
  let acknowledged = 0;
  try {
    const app = new App({ outdir, context });
    for (const pack of [AwsSolutionsChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks]) {
      Validations.of(app).addPlugins(new pack(app));
    }
    c.build(app);
    stacks = app.node.findAll().filter(Stack.isStack).length;
    // aws-cdk-lib prints its validation report itself; the findings are read from its JSON below.
    const printError = console.error;
    console.error = () => {};
    try {
      const assembly = app.synth();
      for (const stack of assembly.stacksRecursively) {
        for (const m of stack.messages) {
          if (m.level === 'error') problems.push({ kind: 'error', where: m.id, what: String(m.entry.data) });
          if (m.level === 'warning') problems.push({ kind: 'warning', where: m.id, what: String(m.entry.data) });
        }
      }
    } catch (e) {
      // Validation failures throw after writing the report read below; anything else is a problem of its own.
      if (!fs.existsSync(path.join(outdir, cxapi.VALIDATION_REPORT_FILE))) throw e;
    } finally {
      console.error = printError;
    }
    const reportFile = path.join(outdir, cxapi.VALIDATION_REPORT_FILE);
    if (fs.existsSync(reportFile)) {
      const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
      for (const plugin of report.pluginReports ?? []) {
        acknowledged += (plugin.suppressedViolations ?? []).length;
        for (const v of plugin.violations ?? []) {
          for (const at of v.violatingConstructs ?? []) {
            const kind = plugin.pluginName === 'CloudFormation Validate' ? 'aws-cdk-lib validation'
              : /annotation/i.test(plugin.pluginName) ? v.severity : `rule pack ${plugin.pluginName}`;
            problems.push({ kind, where: at.constructPath ?? at.cloudFormationResource?.logicalId ?? '?', what: `${v.ruleName}: ${v.description}` });
          }
        }
      }
    }
  } catch (e) {
    problems.push({ kind: 'synth threw', where: c.name, what: (e as Error).stack ?? String(e) });
  }
  // Annotations can arrive twice (manifest and report): count each once.
  const unique = new Map(problems.map((p) => [`${p.kind}|${p.where}|${p.what}`, p]));
  const bad = [...unique.values()].filter((p) => {
    if (!/warning/.test(p.kind)) return true;
    const known = KNOWN_WARNINGS.find(([where, what]) => where.test(p.where) && what.test(p.what));
    if (known) acceptedWarnings.add(`${p.what.split('\n')[0]} (${known[2]})`);
    return !known;
  });
  failures += bad.length;
  console.log(`${bad.length === 0 ? 'ok  ' : 'FAIL'} ${mode}: ${c.name}: ${stacks} stack(s), ${acknowledged} acknowledged finding(s), ${bad.length} problem(s)`);
  for (const p of bad) console.log(`     ${p.kind} at ${p.where}: ${p.what.split('\n').slice(0, 8).join('\n       ')}`);
}

for (const w of acceptedWarnings) console.log(`known warning: ${w}`);
for (const [message, d] of deprecations) {
  if (d.ours) failures++;
  console.log(`${d.ours ? 'FAIL deprecation caused by our code' : 'note: deprecation inside aws-cdk-lib'}: ${message}`);
}
console.log(failures === 0 ? `new-user app (${mode} flags): all clean` : `new-user app (${mode} flags): ${failures} problem(s)`);
process.exitCode = failures === 0 ? 0 : 1;
