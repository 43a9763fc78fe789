import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

/** The four rule packs every construct must pass. */
export const RULE_PACKS = [
  () => new AwsSolutionsChecks(),
  () => new NIST80053R5Checks(),
  () => new HIPAASecurityChecks(),
  () => new PCIDSS321Checks(),
];

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
