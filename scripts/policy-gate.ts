// Policy-validation gate: AWS Control Tower proactive controls (cfn-guard, shipped by
// @cdklabs/cdk-validator-cfnguard, offline) over synthesized templates. A violation fails the
// gate unless the resource lists the rule in its Metadata.guard.SuppressedRules (the library's
// trade-offs, explained in the README) or policy-exemptions.json lists it with a reason.
import * as fs from 'fs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** One allowed violation: cfn-guard rule name, logical-id regex, and why. */
export interface Exemption {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}

export interface GateResult {
  /** Violations not exempted, printable. */
  readonly violations: string[];
  /** How many violations an exemption covered. */
  readonly exempted: number;
}

export class PolicyGate {
  /** Read exemptions from a JSON file `{ "exemptions": [...] }`; each needs a real reason. */
  static fromFile(file: string): PolicyGate {
    return new PolicyGate(JSON.parse(fs.readFileSync(file, 'utf8')).exemptions ?? []);
  }

  private readonly guard = new CfnGuardValidator({ controlTowerRulesEnabled: true });
  private readonly used = new Set<Exemption>();

  constructor(private readonly exemptions: Exemption[]) {
    for (const e of exemptions) {
      if (!e.reason || e.reason.trim().length < 20) {
        throw new Error(`policy exemption ${e.rule} on ${e.resource} needs a reason (at least 20 characters)`);
      }
    }
  }

  /** Run the controls over one template file. */
  check(templatePath: string): GateResult {
    const report = this.guard.validate({ templatePaths: [templatePath] });
    const resources = JSON.parse(fs.readFileSync(templatePath, 'utf8')).Resources ?? {};
    const violations: string[] = [];
    let exempted = 0;
    for (const v of report.violations) {
      // A rule that fails also reports itself once without a resource: the summary of the lines below.
      const located = v.violatingResources.filter((r) => r.resourceLogicalId);
      for (const r of located.length > 0 ? located : v.violatingResources) {
        // A trade-off the resource carries itself (Metadata.guard.SuppressedRules) is not a violation.
        if ((resources[r.resourceLogicalId]?.Metadata?.guard?.SuppressedRules ?? []).includes(v.ruleName)) continue;
        const match = this.exemptions.find((e) => e.rule === v.ruleName && new RegExp(`^${e.resource}$`).test(r.resourceLogicalId));
        if (match) {
          this.used.add(match);
          exempted++;
        } else {
          violations.push(`${v.ruleName} on ${r.resourceLogicalId}: ${v.description}`);
        }
      }
    }
    return { violations, exempted };
  }

  /** Exemptions that matched nothing so far (candidates for removal). */
  unused(): Exemption[] {
    return this.exemptions.filter((e) => !this.used.has(e));
  }
}
