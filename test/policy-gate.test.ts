import * as path from 'path';
import { aws_s3 as s3 } from 'aws-cdk-lib';
import { everythingOn, synthesizedTemplate } from './fixtures';
import { defaultService, everythingOnService } from './monitored-ecs-service.fixtures';
import { PolicyGate } from '../scripts/policy-gate';

/** Synthesize a stack with one plain bucket (no access logging) and return its template path. */
function plainBucketTemplate(): string {
  return synthesizedTemplate((stack) => new s3.Bucket(stack, 'Plain'));
}

describe('policy-validation gate (Control Tower proactive controls via cfn-guard)', () => {
  const template = plainBucketTemplate();

  test('reports a violation that no exemption lists', () => {
    const result = new PolicyGate([]).check(template);
    expect(result.violations.some((v) => v.startsWith('s3_bucket_logging_enabled_check on Plain'))).toBe(true);
    expect(result.exempted).toBe(0);
  });

  test('an exemption with a reason covers exactly its rule and resource', () => {
    const gate = new PolicyGate([
      { rule: 's3_bucket_logging_enabled_check', resource: 'Plain[0-9A-F]{8}', reason: 'test: this bucket is deliberately plain' },
      { rule: 'some_other_rule', resource: '.*', reason: 'test: never matches anything at all' },
    ]);
    const result = gate.check(template);
    expect(result.violations.some((v) => v.startsWith('s3_bucket_logging_enabled_check'))).toBe(false);
    expect(result.violations.length).toBeGreaterThan(0); // other controls still fire
    expect(result.exempted).toBe(1);
    expect(gate.unused().map((e) => e.rule)).toEqual(['some_other_rule']);
  });

  test('fails on an exemption without a reason', () => {
    expect(() => new PolicyGate([{ rule: 'x', resource: '.*', reason: '' }])).toThrow(/needs a reason/);
  });

  test('the committed exemptions file is valid', () => {
    expect(() => PolicyGate.fromFile(path.join(__dirname, '..', 'policy-exemptions.json'))).not.toThrow();
  });
});

describe('policy-validation gate over the constructs (committed exemptions)', () => {
  const gate = PolicyGate.fromFile(path.join(__dirname, '..', 'policy-exemptions.json'));
  // Only resources our constructs create; the VPC and the webhook secret belong to the test.
  const ours = (v: string) => /^(Api|Archive)/.test(v.split(' on ')[1] ?? '');

  test('LogArchiveBucket with every source is clean', () => {
    const result = gate.check(synthesizedTemplate((s) => everythingOn(s)));
    expect(result.violations.filter(ours)).toEqual([]);
  });

  test('MonitoredEcsService default configuration is clean', () => {
    const result = gate.check(synthesizedTemplate((s) => defaultService(s, { user: '1000:1000' })));
    expect(result.violations.filter(ours)).toEqual([]);
  });

  test('MonitoredEcsService everything on is clean', () => {
    const result = gate.check(synthesizedTemplate((s) => everythingOnService(s)));
    expect(result.violations.filter(ours)).toEqual([]);
  });
});
