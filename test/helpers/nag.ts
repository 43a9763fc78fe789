import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import * as nag2 from 'cdk-nag-v2';

/** The four rule packs every construct must pass. */
export const RULE_PACKS = [
  () => new AwsSolutionsChecks(),
  () => new NIST80053R5Checks(),
  () => new HIPAASecurityChecks(),
  () => new PCIDSS321Checks(),
];

/** The same four packs in cdk-nag 2, which consumers on the older major still run. */
export const NAG2_PACKS = [nag2.AwsSolutionsChecks, nag2.NIST80053R5Checks, nag2.HIPAASecurityChecks, nag2.PCIDSS321Checks];

/** One unacknowledged finding, printable. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly resource: string;
}

/** Run all four packs over the stack (cdk-nag 3 `validateScope`) and list unacknowledged findings. */
export function nagFindings(stack: Stack): Finding[] {
  const findings: Finding[] = [];
  for (const make of RULE_PACKS) {
    const pack = make();
    const report = pack.validateScope(stack);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ pack: pack.readPackName, rule: violation.ruleName, resource: resource.constructPath ?? resource.resourceLogicalId ?? '?' });
      }
    }
  }
  return findings;
}

/** Human-readable list for assertion messages. */
export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.rule} on ${f.resource}`).join('\n');
}

/**
 * Errors the four cdk-nag 2 packs (Aspects that annotate) report as `<path>: <rule>`, on resources
 * whose path starts with one of `under` (e.g. '/Test/Archive/'), or on every resource without it.
 * The packs go on every stack before the first one is read: reading synthesizes the app.
 */
export function nag2Errors(stacks: Stack | Stack[], under?: string[]): string[] {
  const all = Array.isArray(stacks) ? stacks : [stacks];
  for (const stack of all) {
    for (const Pack of NAG2_PACKS) Aspects.of(stack).add(new Pack());
  }
  return all.flatMap((stack) => Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('.*')))
    .filter((m) => !under || under.some((prefix) => m.id.startsWith(prefix)))
    .map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);
}
