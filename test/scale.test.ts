// Issue #21: one ThreeTierApp holds 95 services (the listener's 100-rule quota, less room for
// test rules) within every quota in test/helpers/quotas.ts, and passes the four rule packs.
import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { fullScaleSystem } from '../bench/systems';
import { formatFindings, nagFindings } from './helpers/nag';
import { QUOTAS, circularDependencies, measureQuotas } from './helpers/quotas';

const SERVICES = 95;

describe(`a ThreeTierApp with ${SERVICES} services`, () => {
  const app = new App();
  const stack = fullScaleSystem(app, SERVICES);
  const assembly = app.synth();
  const uses = measureQuotas(app, assembly);

  test.each(Object.keys(QUOTAS))('fits the quota %s', (quota) => {
    const use = uses.find((u) => u.quota === quota);
    expect(use).toBeDefined();
    expect({ quota, largest: use!.largest, where: use!.where }).toEqual({ quota, largest: Math.min(use!.largest, use!.limit), where: use!.where });
  });

  test('every service is a nested stack of its own, routed by a rule of the one listener', () => {
    const uses2 = Object.fromEntries(uses.map((u) => [u.quota, u]));
    // 95 production rules + 3 test rules (2 header, 1 on the test port's listener).
    expect(uses2.rulesPerLoadBalancer.largest).toBe(SERVICES + 3);
    expect(uses2.targetGroupsPerLoadBalancer.largest).toBe(SERVICES + 3);
    // The fullest security group is the load balancer's, inbound: CloudFront's prefix list weighs 55,
    // plus the deployment hooks on the listener's port and on the one test port; no per-service rule.
    expect(uses2.securityGroupRulesPerDirection).toMatchObject({ largest: 57, where: expect.stringMatching(/LoadBalancerSecurityGroup.* ingress$/) });
  });

  test('no template has a circular dependency (nested stacks, the rules they depend on, the rules that name them)', () => {
    expect(circularDependencies(app, assembly)).toEqual([]);
  });

  test('the four rule packs find nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('no warning but the two this system earns', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*')).map((w) => String(w.entry.data).split('\n')[0]);
    expect([...new Set(warnings)]).toEqual([
      // CDK warns past 80% of CloudFormation's 1 MB: 95 nested stacks' parameters and 20 services' dashboard rows.
      expect.stringMatching(/^Template size is approaching limit: 8\d{5}\/1000000/),
      // Without NAT, the Prometheus collector's public image needs copying into ECR (this system scrapes 10 services).
      expect.stringMatching(/^The Prometheus collector image comes from public.ecr.aws/),
    ]);
  });
});
