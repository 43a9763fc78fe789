// What a consumer's scanner sees (issue #17). Every template of the given cloud assemblies is
// re-read from disk into a fresh app (cloudformation-include), so only what the template carries
// counts: no aspect, acknowledgement or exemption of this repository. Over each one it runs the
// four cdk-nag packs a consumer would (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS
// 3.2.1) in cdk-nag 2 and 3, and cfn-guard with the AWS Control Tower proactive rules.
//
// A finding is explained when the resource carries it: cdk-nag 2 reads the template's `cdk_nag`
// metadata itself. cdk-nag 3 reads acknowledgements from the construct tree only, so the template's
// `cdk_nag` entries are turned into acknowledgements first (the inverse of cdk-nag 3's own
// WriteNagSuppressionsToCloudFormationAspect). The Control Tower rules as shipped do not read
// `Metadata.guard.SuppressedRules` (cdklabs/cdk-validator-cfnguard#202), so a violation counts as
// explained when the resource lists the rule there, the convention of the AWS Guard Rules Registry.
//
// Findings on resources a test app adds as the user's own (markUsersOwn) are reported apart, as
// not ours. policy-exemptions.json is never read.
//
// Usage: ts-node scripts/consumer-view.ts [--summary-only] <cloud assembly dir>...
// Exit code 1 when any finding on our resources is unexplained.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, cloudformation_include as cfninc } from 'aws-cdk-lib';
import * as nag3 from 'cdk-nag';
import * as nag2 from 'cdk-nag-v2';
import { IConstruct } from 'constructs';
import { acknowledgeInTree } from '../src/private/nag';

/**
 * The metadata key a test app puts on resources it adds as its user's own (markUsersOwn):
 * findings there are the user's, not ours.
 */
export const USERS_OWN_MARK = 'cdk-three-tier:test';
/** The same by construct path, where the app writes `aws:cdk:path` (the CLI does). */
const USERS_OWN: RegExp[] = [
  // consumers/typescript/readme-fixture.ts: the `declare const` resources of the README snippets.
  /(^|\/)Given[A-Z]/,
];

/** Mark every CloudFormation resource under these constructs as the test's own (a user's resource). */
export function markUsersOwn(...constructs: IConstruct[]): void {
  for (const c of constructs.flatMap((x) => x.node.findAll())) {
    if (CfnResource.isCfnResource(c)) c.addMetadata(USERS_OWN_MARK, 'a resource of the user\'s own in this test app');
  }
}

export interface Finding {
  readonly tool: string;
  readonly rule: string;
  readonly template: string;
  readonly logicalId: string;
  readonly path: string;
  readonly type: string;
  readonly users: boolean;
}

const PACKS2 = (logger: nag2.INagLogger) => {
  const props = { reports: false, additionalLoggers: [logger] };
  return [new nag2.AwsSolutionsChecks(props), new nag2.NIST80053R5Checks(props), new nag2.HIPAASecurityChecks(props),
    new nag2.PCIDSS321Checks(props)];
};
const PACKS3 = () => [new nag3.AwsSolutionsChecks(), new nag3.NIST80053R5Checks(), new nag3.HIPAASecurityChecks(), new nag3.PCIDSS321Checks()];
const guard = new CfnGuardValidator({ controlTowerRulesEnabled: true });

/** Every template of the assemblies (nested ones too), as scripts/cfn-lint/templates.mjs lists them. */
export function templatesOf(assemblies: string[]): string[] {
  const out = execFileSync('node', [path.join(__dirname, 'cfn-lint', 'templates.mjs'), ...assemblies], { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((line) => line.split('\t')[1]);
}

export function scan(templateFile: string): Finding[] {
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const resources: Record<string, any> = template.Resources ?? {};
  const describe = (logicalId: string) => {
    const r = resources[logicalId] ?? {};
    const cdkPath: string = r.Metadata?.['aws:cdk:path'] ?? logicalId;
    const users = r.Metadata?.[USERS_OWN_MARK] !== undefined || USERS_OWN.some((re) => re.test(cdkPath));
    return { logicalId, path: cdkPath, type: r.Type ?? '?', users };
  };
  const findings: Finding[] = [];
  const add = (tool: string, rule: string, logicalId: string) => findings.push({ tool, rule, template: templateFile, ...describe(logicalId) });

  // cdk-nag 2: the packs visit the included resources as aspects would; suppressed findings are not reported.
  const stack = include(templateFile);
  {
    const logger: nag2.INagLogger = {
      onCompliance: () => undefined,
      onNonCompliance: (d) => add('cdk-nag 2', d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId, d.resource.node.id),
      onSuppressed: () => undefined,
      onError: (d) => add('cdk-nag 2', `${d.ruleId} (rule error)`, d.resource.node.id),
      onSuppressedError: () => undefined,
      onNotApplicable: () => undefined,
    };
    for (const pack of PACKS2(logger)) {
      for (const c of stack.node.findAll()) pack.visit(c);
    }
  }

  // cdk-nag 3, on the same resources (cdk-nag 2 reads neither its acknowledgements nor writes
  // any): the template's cdk_nag entries become acknowledgements, then each pack validates.
  {
    for (const c of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(c)) continue;
      for (const rule of (c.getMetadata('cdk_nag')?.rules_to_suppress ?? []) as Array<{ id: string; reason: string; applies_to?: unknown[] }>) {
        const ids = rule.applies_to?.length ? rule.applies_to.map((a) => `${rule.id}[${typeof a === 'string' ? a : JSON.stringify(a)}]`) : [rule.id];
        for (const id of ids) acknowledgeInTree(c, { id, reason: rule.reason });
      }
    }
    for (const pack of PACKS3()) {
      for (const v of pack.validateScope(stack).violations) {
        for (const r of v.violatingResources) add('cdk-nag 3', v.ruleName, (r.constructPath ?? r.resourceLogicalId ?? '?').split('/').pop()!);
      }
    }
  }

  // cfn-guard with the Control Tower rules, on the file itself. A rule also reports itself once
  // without a resource when it fails somewhere; that line is the summary of the per-resource ones.
  let report;
  try {
    report = guard.validate({ templatePaths: [templateFile] });
  } catch (e) {
    // A consumer's validator plugin failing on our template is a finding of its own.
    add('cfn-guard', `the validator failed on this template: ${(e as Error).message.trim().split('\n').pop()}`, '?');
    return findings;
  }
  for (const v of report.violations) {
    const located = v.violatingResources.filter((r) => r.resourceLogicalId);
    for (const r of located) {
      if (!(resources[r.resourceLogicalId!]?.Metadata?.guard?.SuppressedRules ?? []).includes(v.ruleName)) add('cfn-guard', v.ruleName, r.resourceLogicalId!);
    }
    if (located.length === 0) add('cfn-guard', v.ruleName, '?');
  }
  return findings;
}

function include(templateFile: string): Stack {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-view-')) });
  const stack = new Stack(app, 'Consumer');
  new cfninc.CfnInclude(stack, 'Template', { templateFile, preserveLogicalIds: true });
  return stack;
}


/**
 * The rules the templates explain (cdk_nag entries and Metadata.guard.SuppressedRules) that the
 * README's Compliance section does not name: AwsSolutions ids whole, compliance-pack rules by name.
 */
export function undocumented(templates: string[], readme: string): string[] {
  const start = readme.indexOf('## Compliance');
  const end = readme.indexOf('\n## ', start + 1);
  const section = start < 0 ? '' : readme.slice(start, end < 0 ? undefined : end);
  const named = new Set<string>();
  for (const file of templates) {
    for (const r of Object.values<any>(JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {})) {
      for (const rule of r.Metadata?.cdk_nag?.rules_to_suppress ?? []) named.add(String(rule.id).replace(/^(NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321)-/, ''));
      for (const rule of r.Metadata?.guard?.SuppressedRules ?? []) named.add(String(rule));
    }
  }
  return [...named].filter((rule) => !new RegExp(`(^|[^\\w.-])${rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w-]|$)`).test(section)).sort();
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const summaryOnly = args.includes('--summary-only');
  const assemblies = args.filter((a) => !a.startsWith('--'));
  const templates = templatesOf(assemblies);
  const all = templates.flatMap((t) => scan(t));
  const ours = all.filter((f) => !f.users);
  const users = all.filter((f) => f.users);
  const byTool = (list: Finding[]) => ['cdk-nag 2', 'cdk-nag 3', 'cfn-guard'].map((t) => `${t} ${list.filter((f) => f.tool === t).length}`).join(', ');
  if (!summaryOnly) {
    const rows = new Map<string, number>();
    for (const f of ours) {
      const key = `${f.tool}\t${f.rule}\t${f.type}\t${f.logicalId}\t${path.relative(process.cwd(), f.template)}`;
      rows.set(key, (rows.get(key) ?? 0) + 1);
    }
    for (const [key, n] of [...rows.entries()].sort()) console.log(`${key}\t${n}`);
    const theirs = new Map<string, number>();
    for (const f of users) {
      const key = `${f.tool} ${f.rule} on ${f.logicalId} (${f.type})`;
      theirs.set(key, (theirs.get(key) ?? 0) + 1);
    }
    for (const [key, n] of [...theirs.entries()].sort()) console.log(`not ours (the test app's own resource): ${key} x${n}`);
  }
  console.log(`consumer view: ${templates.length} templates; unexplained findings on our resources: ${ours.length} (${byTool(ours)}); on the test's own resources (not ours): ${users.length} (${byTool(users)})`);
  const byPack = new Map<string, number>();
  for (const f of ours) {
    const pack = f.tool === 'cfn-guard' ? 'Control Tower' : f.rule.split('-')[0];
    byPack.set(`${f.tool} ${pack}`, (byPack.get(`${f.tool} ${pack}`) ?? 0) + 1);
  }
  if (byPack.size > 0) console.log(`by pack: ${[...byPack.entries()].sort().map(([k, n]) => `${k} ${n}`).join('; ')}`);
  const missing = undocumented(templates, fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8'));
  for (const rule of missing) console.log(`explained in a template but not in the README's Compliance section: ${rule}`);
  process.exitCode = ours.length === 0 && missing.length === 0 ? 0 : 1;
}
