import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, aws_certificatemanager as acm, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { appVpc, newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
import { defaultService, resourceOf } from './monitored-ecs-service.fixtures';
import { image, resourcesOf } from './three-tier-app.fixtures';
import { AppTier, LogArchiveBucket, MonitoredEcsService, MutualTls, ServiceDeployment, ServiceLoadBalancer, ServicePlacement, TestTraffic } from '../src';

const serviceProps = (t: Template) => resourceOf(t, 'AWS::ECS::Service', 'ApiService').Properties;
const rules = (t: Template) => resourcesOf(t, 'AWS::ElasticLoadBalancingV2::ListenerRule');

/** A service of its own load balancer with the given deployment. */
function own(deployment: ServiceDeployment, extra: Record<string, unknown> = {}) {
  const stack = newStack();
  const made = defaultService(stack, { deployment, healthCheck: { path: '/healthz' }, ...extra });
  return { stack, ...made, t: Template.fromStack(stack) };
}

/** Two services behind an AppTier's shared HTTP listener. */
function shared(deployment: ServiceDeployment, placement?: ServicePlacement) {
  const stack = newStack();
  const logArchive = new LogArchiveBucket(stack, 'Logs');
  const tier = new AppTier(stack, 'App', { vpc: appVpc(stack), logArchive, servicePlacement: placement });
  const items = tier.addService('Items', { image, pathPatterns: ['/api/items/*'], healthCheck: { path: '/api/items/healthz' }, deployment });
  const ai = tier.addService('Ai', { image, pathPatterns: ['/api/ai/*'], healthCheck: { path: '/api/ai/healthz' }, deployment });
  return { stack, tier, items, ai, t: Template.fromStack(stack) };
}

describe('ServiceDeployment on a service of its own load balancer', () => {
  test('rolling stays as it was: no Strategy key, circuit breaker with rollback, one target group', () => {
    const { t } = own(ServiceDeployment.rolling());
    const config = serviceProps(t).DeploymentConfiguration;
    expect(config.Strategy).toBeUndefined();
    expect(config.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    expect(rules(t)).toHaveLength(0);
  });

  test('AWS constraint: BakeTimeInMinutes is required for BLUE_GREEN (10 minutes unless given)', () => {
    const config = serviceProps(own(ServiceDeployment.blueGreen()).t).DeploymentConfiguration;
    expect(config).toMatchObject({ Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 10, MinimumHealthyPercent: 100, MaximumPercent: 200 });
    expect(serviceProps(own(ServiceDeployment.blueGreen({ bakeTime: Duration.minutes(30) })).t).DeploymentConfiguration.BakeTimeInMinutes).toBe(30);
  });

  test('AWS constraint: the deployment circuit breaker is for rolling updates only; the alarms still roll back every strategy', () => {
    for (const d of [ServiceDeployment.blueGreen(), ServiceDeployment.canary(), ServiceDeployment.linear()]) {
      const config = serviceProps(own(d).t).DeploymentConfiguration;
      expect(config.DeploymentCircuitBreaker).toBeUndefined();
      expect(config.Alarms).toMatchObject({ Enable: true, Rollback: true });
      expect(config.Alarms.AlarmNames).toHaveLength(3);
    }
  });

  test('canary and linear pin their traffic shift configuration', () => {
    expect(serviceProps(own(ServiceDeployment.canary()).t).DeploymentConfiguration).toMatchObject({
      Strategy: 'CANARY', CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 10 }, BakeTimeInMinutes: 10,
    });
    expect(serviceProps(own(ServiceDeployment.canary({ canaryPercent: 2.5, canaryBakeTime: Duration.minutes(15), bakeTime: Duration.minutes(0) })).t)
      .DeploymentConfiguration).toMatchObject({ Strategy: 'CANARY', CanaryConfiguration: { CanaryPercent: 2.5, CanaryBakeTimeInMinutes: 15 }, BakeTimeInMinutes: 0 });
    expect(serviceProps(own(ServiceDeployment.linear()).t).DeploymentConfiguration).toMatchObject({
      Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 5 },
    });
    expect(serviceProps(own(ServiceDeployment.linear({ stepPercent: 10, stepBakeTime: Duration.minutes(3) })).t).DeploymentConfiguration)
      .toMatchObject({ Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 10, StepBakeTimeInMinutes: 3 } });
  });

  test('AWS constraint: both target groups are on the production listener rule (weights 100/0) and on the test rule', () => {
    const { t, service, stack } = own(ServiceDeployment.blueGreen());
    const primary = stack.getLogicalId(service.targetGroup.node.defaultChild as any);
    const alternate = stack.getLogicalId(service.alternateTargetGroup.node.defaultChild as any);
    const lb = serviceProps(t).LoadBalancers[0];
    expect(lb.TargetGroupArn).toEqual({ Ref: primary });
    expect(lb.AdvancedConfiguration).toMatchObject({
      AlternateTargetGroupArn: { Ref: alternate },
      ProductionListenerRule: { Ref: expect.stringMatching(/^ApiProductionRule/) },
      TestListenerRule: { Ref: expect.stringMatching(/^ApiTestRule/) },
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiDeploymentRole/), 'Arn'] },
    });
    const weighted = { Type: 'forward', ForwardConfig: Match.objectLike({ TargetGroups: [{ TargetGroupArn: { Ref: primary }, Weight: 100 }, { TargetGroupArn: { Ref: alternate }, Weight: 0 }] }) };
    // ECS takes a rule ARN, not the default action: a catch-all rule, with the header rule before it.
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }], Actions: [Match.objectLike(weighted)],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-deployment-test', Values: [Match.stringLikeRegexp('^[0-9a-f]{16}$')] } },
      ],
      Actions: [Match.objectLike(weighted)],
    });
    // Every rule forwards only: ECS fails deployments whose rules mix forward with other actions.
    for (const [, rule] of rules(t)) expect(rule.Properties.Actions.map((a: any) => a.Type)).toEqual(['forward']);
  });

  test('the infrastructure role is least privilege: no AWS managed policy, changes only to this service\'s rules and target groups', () => {
    const { t, service, stack } = own(ServiceDeployment.blueGreen());
    const role = resourceOf(t, 'AWS::IAM::Role', 'ApiDeploymentRole').Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'ecs.amazonaws.com' });
    expect(role.ManagedPolicyArns).toBeUndefined();
    const statements = resourceOf(t, 'AWS::IAM::ManagedPolicy', 'ApiDeploymentPolicy').Properties.PolicyDocument.Statement;
    const byAction = (a: string) => statements.find((s: any) => [s.Action].flat().includes(a));
    expect(byAction('elasticloadbalancing:DescribeRules').Resource).toBe('*');
    expect(byAction('elasticloadbalancing:RegisterTargets').Resource).toEqual([
      { Ref: stack.getLogicalId(service.targetGroup.node.defaultChild as any) },
      { Ref: stack.getLogicalId(service.alternateTargetGroup.node.defaultChild as any) },
    ]);
    expect(byAction('elasticloadbalancing:ModifyRule').Resource).toEqual([
      { Ref: expect.stringMatching(/^ApiProductionRule/) }, { Ref: expect.stringMatching(/^ApiTestRule/) },
    ]);
    expect(byAction('elasticloadbalancing:ModifyListener').Resource).toEqual({ Ref: expect.stringMatching(/^ApiLoadBalancerHttps/) });
    expect(stack.resolve(service.deploymentRole.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiDeploymentRole/), 'Arn'] });
  });

  test('the smoke-test hook runs after test traffic shifts, in the VPC, and ECS may only invoke it', () => {
    const { t, service, stack } = own(ServiceDeployment.canary({ smokeTests: [{ path: '/api/items', expectedStatus: '200' }, { path: '/nope', expectedStatus: '404' }] }));
    const hookId = stack.getLogicalId(service.deploymentHook.node.defaultChild as any);
    expect(serviceProps(t).DeploymentConfiguration.LifecycleHooks).toEqual([{
      HookTargetArn: { 'Fn::GetAtt': [hookId, 'Arn'] },
      LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiDeploymentHookInvokeRole/), 'Arn'] },
    }]);
    const invoke = resourceOf(t, 'AWS::IAM::ManagedPolicy', 'ApiDeploymentHookInvokePolicy').Properties.PolicyDocument.Statement;
    expect(invoke).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [hookId, 'Arn'] } }]);
    const fn = t.toJSON().Resources[hookId].Properties;
    expect(fn.VpcConfig.SubnetIds).toHaveLength(2);
    expect(fn.Runtime).toBe('nodejs24.x');
    const config = JSON.parse(JSON.stringify(stack.resolve(fn.Environment.Variables.SMOKE_TEST)));
    const text = JSON.stringify(config);
    expect(text).toContain('"checks\\":[{\\"path\\":\\"/api/items\\",\\"expect\\":\\"200\\"},{\\"path\\":\\"/nope\\",\\"expect\\":\\"404\\"}]');
    expect(text).toContain('x-deployment-test');
    expect(text).toContain('https://');
    // Without smokeTests the health check path is checked, with its success codes.
    const plain = own(ServiceDeployment.blueGreen());
    const hookOf = plain.stack.getLogicalId(plain.service.deploymentHook.node.defaultChild as any);
    const env = JSON.stringify(plain.t.toJSON().Resources[hookOf].Properties.Environment);
    expect(env).toContain('{\\"path\\":\\"/healthz\\",\\"expect\\":\\"200-399\\"}');
  });

  test('alarms and request scaling read both target groups (after a swap production traffic is on the other one)', () => {
    const { t } = own(ServiceDeployment.blueGreen());
    const alarms = resourcesOf(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const errors = alarms.find((a) => JSON.stringify(a.AlarmName).includes('ServerErrorRate'));
    expect(errors.Metrics.find((m: any) => m.Expression).Expression).toBe('IF(SUM([r1, r2]) > 0, 100 * SUM([e1, e2]) / SUM([r1, r2]), 0)');
    expect(errors.Metrics.filter((m: any) => m.MetricStat)).toHaveLength(4);
    const latency = alarms.find((a) => JSON.stringify(a.AlarmName).includes('P99Latency'));
    expect(latency.Metrics.find((m: any) => m.Expression).Expression).toBe('1000 * MAX([l1, l2])');
    const scaling = resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').find(([id]) => id.includes('RequestScaling'))![1].Properties;
    const spec = scaling.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification;
    expect(spec.MetricName).toBeUndefined();
    expect(spec.Metrics.map((m: any) => m.Id)).toEqual(['r1', 'r2', 'h1', 'h2', 'perTask']);
    expect(spec.Metrics[4]).toEqual({ Id: 'perTask', Expression: 'SUM([r1, r2]) / SUM([h1, h2])', Label: 'requests per healthy task', ReturnData: true });
    expect(scaling.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(1000);
    // The dashboard draws the alternate target group too.
    expect(JSON.stringify(resourcesOf(t, 'AWS::CloudWatch::Dashboard')[0][1].Properties.DashboardBody)).toContain('Alternate target group');
  });

  test('handles of a rolling service throw with the way to get them', () => {
    const { service } = own(ServiceDeployment.rolling());
    expect(() => service.alternateTargetGroup).toThrow(/deploys rolling.*ServiceDeployment.blueGreen\(\)/);
    expect(() => service.deploymentHook).toThrow(/deploys rolling/);
    expect(() => service.testListenerRule).toThrow(/deploys rolling/);
    expect(() => service.deploymentRole).toThrow(/deploys rolling/);
  });

  test('a test port on an internal load balancer: its own HTTPS listener that admits only the hook', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
    new MonitoredEcsService(stack, 'Api', {
      vpc: appVpc(stack),
      image,
      loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive, internetFacing: false }),
      deployment: ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(8443) }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: Match.anyValue() }] });
    const testRule = rules(t).find(([id]) => id.startsWith('ApiTestRule'))![1].Properties;
    expect(JSON.stringify(testRule.ListenerArn)).toMatch(/TestListener/);
    expect(testRule.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]);
    const lbGroup = resourceOf(t, 'AWS::EC2::SecurityGroup', 'ApiLoadBalancerSecurityGroup').Properties;
    const onTestPort = [...(lbGroup.SecurityGroupIngress ?? []), ...resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)]
      .filter((r: any) => r.FromPort === 8443);
    expect(onTestPort).toEqual([expect.objectContaining({ SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/DeploymentHooks/), 'GroupId'] } })]);
    const env = JSON.stringify(resourceOf(t, 'AWS::Lambda::Function', 'ApiDeploymentHook').Properties.Environment);
    expect(env).toContain(':8443');
    expect(env).not.toContain('x-deployment-test');
  });

  test('no unacknowledged findings in the four packs for each strategy', () => {
    for (const d of [ServiceDeployment.blueGreen(), ServiceDeployment.canary(), ServiceDeployment.linear()]) {
      const stack = newStack();
      defaultService(stack, { deployment: d });
      const ours = (r: string) => r.startsWith('Test/Api/') || r.startsWith('Test/Archive/');
      expect(formatFindings(nagFindings(stack).filter((f) => ours(f.resource)))).toEqual('');
    }
  });
});

describe('ServiceDeployment on a shared listener (AppTier / ThreeTierApp)', () => {
  test('header test rules sit just before each service\'s rule and repeat its paths; one hook security group for the listener', () => {
    const { t } = shared(ServiceDeployment.canary());
    const byPriority = Object.fromEntries(rules(t).map(([, r]) => [r.Properties.Priority, r.Properties.Conditions]));
    expect(Object.keys(byPriority).map(Number).sort((a, b) => a - b)).toEqual([9, 10, 19, 20]);
    expect(byPriority[9]).toEqual([
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/items/*'] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-deployment-test', Values: [expect.any(String)] } },
    ]);
    expect(byPriority[9][1].HttpHeaderConfig.Values).not.toEqual(byPriority[19][1].HttpHeaderConfig.Values);
    const hookGroups = resourcesOf(t, 'AWS::EC2::SecurityGroup').filter(([id]) => id.includes('DeploymentHooks'));
    expect(hookGroups).toHaveLength(1);
    const lbIngress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p.SourceSecurityGroupId ?? '').includes('DeploymentHooks'));
    expect(lbIngress).toEqual([expect.objectContaining({ FromPort: 80, ToPort: 80, GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^AppLoadBalancerSecurityGroup/), 'GroupId'] } })]);
    const hook = resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('AppItemsDeploymentHook'))![1];
    const url = JSON.stringify(hook.Properties.Environment.Variables.SMOKE_TEST);
    expect(url).toMatch(/baseUrl\\":\\"http:\/\/.*AppLoadBalancer.*DNSName.*:80\\"/);
  });

  test('a test port: one shared HTTP listener that answers 404 by default, each service a rule at its own priority', () => {
    const { t } = shared(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(9080) }));
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 9080, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'fixed-response' })],
    });
    const testRules = rules(t).filter(([, r]) => JSON.stringify(r.Properties.ListenerArn).includes('TestPort9080'));
    expect(testRules.map(([, r]) => r.Properties.Priority).sort()).toEqual([10, 20]);
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p.SourceSecurityGroupId ?? '').includes('DeploymentHooks'));
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 9080, ToPort: 9080 })]);
  });

  test('nested-stack services get the shared pieces as parameters and synthesize', () => {
    const { tier } = shared(ServiceDeployment.linear(), ServicePlacement.NESTED_STACKS);
    const nested = Stack.of(tier.services[0]);
    const t = Template.fromStack(nested);
    expect(serviceOf(t).DeploymentConfiguration.Strategy).toBe('LINEAR');
    // The hook lives in the listener's stack: its VpcConfig names the subnets and the hooks' group
    // directly (the cfn-guard CDK plugin fails on a VpcConfig of nested-stack parameters); the nested
    // stack gets its ARN as a parameter for the lifecycle hook and the invoke policy.
    expect(resourcesOf(t, 'AWS::Lambda::Function')).toEqual([]);
    const parent = Template.fromStack(Stack.of(tier));
    const hook = resourcesOf(parent, 'AWS::Lambda::Function').find(([id]) => id.includes('DeploymentHook'))![1].Properties;
    expect(hook.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/DeploymentHooks/), 'GroupId'] }]);
    expect(JSON.stringify(hook.VpcConfig.SubnetIds)).not.toContain('"Ref":"referenceto');
    expect(JSON.stringify(serviceOf(t).DeploymentConfiguration.LifecycleHooks)).toMatch(/"Ref":"referenceto.*DeploymentHook.*Arn"/);
    expect(hook.Description).toBe(`Smoke-tests a new revision of ${tier.services[0].node.path} through the test listener rule`);
  });
});

function serviceOf(t: Template): any {
  return Object.values(t.findResources('AWS::ECS::Service'))[0].Properties;
}

describe('ServiceDeployment validation', () => {
  const build = (deployment: ServiceDeployment, extra: Record<string, unknown> = {}) => () => defaultService(newStack(), { deployment, ...extra });
  const sharedBuild = (deployment: ServiceDeployment, options: Record<string, unknown> = {}) => () => {
    const stack = newStack();
    const tier = new AppTier(stack, 'App', { vpc: appVpc(stack), logArchive: new LogArchiveBucket(stack, 'Logs') });
    tier.addService('Items', { image, pathPatterns: ['/api/*'], healthCheck: { path: '/api/healthz' }, deployment, ...options });
    return tier;
  };

  test('bake times are whole minutes from 0 to 1440', () => {
    expect(build(ServiceDeployment.blueGreen({ bakeTime: Duration.hours(25) }))).toThrow(/bakeTime.*whole minutes from 0 to 1440/);
    expect(build(ServiceDeployment.canary({ canaryBakeTime: Duration.seconds(90) }))).toThrow(/canaryBakeTime/);
  });

  test('canary share 0.1-100 in steps of 0.1; linear step 3-100', () => {
    expect(build(ServiceDeployment.canary({ canaryPercent: 0.05 }))).toThrow(/canaryPercent/);
    expect(build(ServiceDeployment.canary({ canaryPercent: 1.25 }))).toThrow(/steps of 0.1 percent.*Give 1.3/);
    expect(build(ServiceDeployment.linear({ stepPercent: 2 }))).toThrow(/stepPercent/);
  });

  test('AWS constraint: CloudFormation rejects canary and linear configurations longer than 33 hours', () => {
    expect(build(ServiceDeployment.linear({ stepPercent: 3, stepBakeTime: Duration.minutes(60) }))).toThrow(/more than 33 hours/);
    expect(build(ServiceDeployment.linear({ stepPercent: 10, stepBakeTime: Duration.minutes(60) }))).not.toThrow();
  });

  test('smoke tests: paths start with / and statuses are codes, ranges or lists', () => {
    expect(build(ServiceDeployment.blueGreen({ smokeTests: [{ path: 'health' }] }))).toThrow(/Write it as '\/health'/);
    expect(build(ServiceDeployment.blueGreen({ smokeTests: [{ path: '/', expectedStatus: 'ok' }] }))).toThrow(/expectedStatus/);
    expect(build(ServiceDeployment.blueGreen({ smokeTests: [{ path: '/a b' }] }))).toThrow(/no spaces.*'\/a%20b'/);
    expect(build(ServiceDeployment.blueGreen({ smokeTestHost: 'https://api.example.com' }))).toThrow(/bare host name/);
  });

  test('on a shared listener a smoke test must be a path the service\'s rule routes', () => {
    expect(sharedBuild(ServiceDeployment.blueGreen({ smokeTests: [{ path: '/healthz' }] }))).toThrow(/routes only \/api\/\* to this service/);
    expect(sharedBuild(ServiceDeployment.blueGreen(), { healthCheck: { path: '/healthz' } })).toThrow(/healthCheck.path.*routes only/);
    expect(sharedBuild(ServiceDeployment.blueGreen())).not.toThrow();
  });

  test('a test rule needs a free priority before the service\'s, and at most 5 condition values with its header', () => {
    expect(sharedBuild(ServiceDeployment.blueGreen(), { priority: 1 })).toThrow(/priorities start at 1.*Give the service a priority above 1/);
    expect(sharedBuild(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.header({ priority: 30 }) }))).toThrow(/must come before the service's own rule/);
    expect(sharedBuild(ServiceDeployment.blueGreen(), { pathPatterns: ['/a/*', '/b/*', '/c/*', '/d/*', '/api/*'] })).toThrow(/at most 5 condition values/);
    const stack = newStack();
    const tier = new AppTier(stack, 'App', { vpc: appVpc(stack), logArchive: new LogArchiveBucket(stack, 'Logs') });
    tier.addService('Items', { image, pathPatterns: ['/api/*'], healthCheck: { path: '/api/healthz' }, deployment: ServiceDeployment.blueGreen() });
    expect(() => tier.addService('Other', { image, pathPatterns: ['/other/*'], priority: 9 })).toThrow(/loadBalancer.priority 9 .*Items \(test rule\) already uses/);
    tier.addService('Eleven', { image, pathPatterns: ['/eleven/*'], priority: 11 });
    expect(() => tier.addService('Twelve', { image, pathPatterns: ['/twelve/*'], priority: 12, deployment: ServiceDeployment.blueGreen({ smokeTests: [{ path: '/twelve/x' }] }) }))
      .toThrow(/deployment.testTraffic.priority 11 .*Eleven already uses/);
  });

  test('a test port is for internal load balancers, on a port of its own', () => {
    expect(build(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(8443) }))).toThrow(/internet-facing.*TestTraffic.header\(\)/);
    expect(build(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(443) }))).toThrow(/port of its own/);
    const internal = (port: number) => () => {
      const stack = newStack();
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
      new MonitoredEcsService(stack, 'Api', {
        vpc: appVpc(stack),
        image,
        deployment: ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(port) }),
        loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: new LogArchiveBucket(stack, 'Archive'), internetFacing: false }),
      });
    };
    expect(internal(80)).toThrow(/80 already has a listener/);
    expect(sharedBuild(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(80) }))).toThrow(/port of its own/);
    expect(build(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.port(70000) }))).toThrow(/testTraffic.port/);
  });

  test('a listener that verifies client certificates refuses the hook, so only rolling deployments go there', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
    const vpc = appVpc(stack);
    const make = (mutualTls: MutualTls, id: string) => () => new MonitoredEcsService(stack, id, {
      vpc,
      image,
      deployment: ServiceDeployment.blueGreen(),
      loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive, mutualTls }),
    });
    expect(make(MutualTls.verify({ caBundleFile: path.join(__dirname, 'fixtures', 'mtls', 'ca.pem') }), 'Verified')).toThrow(/deployment hook has none/);
    expect(make(MutualTls.passthrough(), 'Passthrough')).not.toThrow();
  });

  test('an internet-facing load balancer: the hook goes out through NAT on 443, and isolated subnets are refused', () => {
    const { t } = own(ServiceDeployment.blueGreen());
    const hooks = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('DeploymentHooks'))![1].Properties;
    expect(hooks.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    const isolated = () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        natGateways: 0,
        subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
      new MonitoredEcsService(stack, 'Api', {
        vpc,
        image,
        deployment: ServiceDeployment.blueGreen(),
        loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: new LogArchiveBucket(stack, 'Archive') }),
      });
    };
    expect(isolated).toThrow(/isolated subnets.*no route/);
  });

  test('a service routed by host: the hook sends a host the patterns match', () => {
    const hostBuild = (hostHeaders: string[], smokeTestHost?: string) => () => {
      const stack = newStack();
      const tier = new AppTier(stack, 'App', { vpc: appVpc(stack), logArchive: new LogArchiveBucket(stack, 'Logs') });
      tier.addService('Items', { image, hostHeaders, pathPatterns: ['/*'], deployment: ServiceDeployment.blueGreen({ smokeTestHost }) });
      return Template.fromStack(stack);
    };
    expect(hostBuild(['*.example.com'])).toThrow(/a wildcard names no host.*Give smokeTestHost/);
    expect(hostBuild(['*.example.com'], 'other.test')).toThrow(/routes only \*\.example\.com/);
    const t = hostBuild(['*.example.com'], 'api.EXAMPLE.com')();
    expect(JSON.stringify(resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.includes('DeploymentHook'))![1].Properties.Environment))
      .toContain('\\"host\\":\\"api.EXAMPLE.com\\"');
    expect(JSON.stringify(hostBuild(['api.example.com', '*.example.com'])().toJSON())).toContain('\\"host\\":\\"api.example.com\\"');
  });

  test('a private CA for the smoke tests is passed to the hook as PEM', () => {
    const pem = fs.readFileSync(path.join(__dirname, 'fixtures', 'mtls', 'ca.pem'), 'utf8');
    const { t } = own(ServiceDeployment.blueGreen({ smokeTestCa: pem }));
    const env = resourceOf(t, 'AWS::Lambda::Function', 'ApiDeploymentHook').Properties.Environment.Variables.SMOKE_TEST;
    expect(JSON.stringify(env)).toContain('-----BEGIN CERTIFICATE-----');
    expect(build(ServiceDeployment.blueGreen({ smokeTestCa: 'not a pem' }))).toThrow(/smokeTestCa.*PEM certificate/);
  });

  test('a test header name and value are what a listener rule matches', () => {
    expect(build(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.header({ name: 'bad header' }) }))).toThrow(/header name/);
    expect(build(ServiceDeployment.blueGreen({ testTraffic: TestTraffic.header({ value: 'a*' }) }))).toThrow(/wildcard/);
  });
});
