import { App, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
import { IMAGE, defaultService } from './monitored-ecs-service.fixtures';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';
import { CostProfile, MonitoredEcsService, ServiceLoadBalancer, ServicePlacement, ThreeTierApp } from '../src';

// ECS Exec is audited wherever this library makes the cluster: the session channel is encrypted
// with a KMS key, and every session is logged to an encrypted log group kept a year.

/** Every statement of the task role's policy, as [actions, resources] pairs. */
function taskRoleStatements(t: Template, prefix: string): Array<[string[], string]> {
  const policies = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(prefix));
  return policies.flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement)
    .map((s: any) => [[].concat(s.Action).sort(), JSON.stringify(s.Resource)]);
}

describe('a service with Exec in its own cluster', () => {
  const stack = newStack({ env: { region: 'us-east-1' } });
  const { service } = defaultService(stack, { enableExecuteCommand: true });
  const t = Template.fromStack(stack);

  test('the session log group is a handle of the service', () => {
    expect(stack.resolve(service.execSessionLogGroup.logGroupName)).toEqual({ Ref: expect.stringMatching(/^ApiExecSessions/) });
  });

  test('the cluster encrypts sessions with a KMS key and logs them (ExecuteCommandConfiguration)', () => {
    t.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiExecKey'), 'Arn'] },
          Logging: 'OVERRIDE',
          LogConfiguration: { CloudWatchLogGroupName: { Ref: Match.stringLikeRegexp('^ApiExecSessions') }, CloudWatchEncryptionEnabled: true },
        },
      },
    });
    t.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiExecKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the task role may open the SSM channels, decrypt with the key and write the session log, and nothing else', () => {
    const statements = taskRoleStatements(t, 'ApiTaskDefinitionTaskRole');
    expect(statements.map(([actions]) => actions)).toEqual([
      ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      ['kms:Decrypt'],
      ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
      ['logs:DescribeLogGroups'],
    ]);
    expect(statements[1][1]).toMatch(/ApiExecKey/);
    expect(statements[2][1]).toMatch(/ApiExecSessions/);
    expect(statements[3][1]).toContain(':log-group:*');
  });
});

test('without Exec, a cluster has no Exec configuration and no key', () => {
  const stack = newStack();
  const { service } = defaultService(stack);
  expect(() => service.execSessionLogGroup).toThrow(/Test\/Api: execSessionLogGroup undefined is invalid: ECS Exec is off here/);
  const t = Template.fromStack(stack);
  expect(JSON.stringify(t.findResources('AWS::ECS::Cluster'))).not.toContain('ExecuteCommandConfiguration');
  expect(Object.keys(t.findResources('AWS::KMS::Key')).filter((id) => /ExecKey/.test(id))).toEqual([]);
  expect(JSON.stringify(t.toJSON())).not.toContain('ssmmessages');
});

test('Exec in a cluster the user made is not audited by us, and the synth says so', () => {
  const stack = newStack();
  const { vpc, certificate, archive } = defaultService(stack);
  const cluster = new ecs.Cluster(stack, 'Theirs', { vpc });
  const service = new MonitoredEcsService(stack, 'Worker', {
    cluster,
    image: IMAGE,
    enableExecuteCommand: true,
    loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive }),
  });
  Annotations.fromStack(stack).hasWarning(`/${service.node.path}`, Match.stringLikeRegexp('ECS Exec is on in a cluster this library did not create'));
});

describe('a ThreeTierApp with Exec on one service (production)', () => {
  const stack = new Stack(new App(), 'System', { env: { account: '123456789012', region: 'us-east-1' } });
  const system = new ThreeTierApp(stack, 'App', {
    profile: CostProfile.production(),
    services: [{ ...itemsService, enableExecuteCommand: true }, { ...itemsService, id: 'Orders', pathPatterns: ['/api/orders/*'] }],
  });
  const t = Template.fromStack(stack);

  test('the shared cluster uses the system\'s log key and streams the session log into the archive', () => {
    const key = stack.getLogicalId(system.logEncryptionKey!.node.defaultChild as any);
    t.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: { ExecuteCommandConfiguration: { KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, Logging: 'OVERRIDE' } },
    });
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: { Ref: Match.stringLikeRegexp('^AppExecSessions') } });
    expect(Object.keys(t.findResources('AWS::KMS::Key')).filter((id) => /ExecKey/.test(id))).toEqual([]);
  });

  test('Exec is per service: the other service\'s task role has no SSM channel', () => {
    expect(JSON.stringify(taskRoleStatements(t, 'AppItemsTaskDefinitionTaskRole'))).toContain('ssmmessages');
    expect(JSON.stringify(taskRoleStatements(t, 'AppOrdersTaskDefinitionTaskRole'))).not.toContain('ssmmessages');
  });
});

test('the Exec agent runs as root: its scratch paths never make a non-root warning, the user\'s own still do', () => {
  const quiet = newStack();
  const { service } = defaultService(quiet, { enableExecuteCommand: true, user: '1000:1000', scratchPaths: [] });
  Annotations.fromStack(quiet).hasNoWarning(`/${service.node.path}`, Match.stringLikeRegexp('Scratch volumes on Fargate'));
  const loud = newStack();
  const made = defaultService(loud, { enableExecuteCommand: true, user: '1000:1000', scratchPaths: ['/tmp'] });
  Annotations.fromStack(loud).hasWarning(`/${made.service.node.path}`, Match.stringLikeRegexp("user '1000:1000' can write to /tmp only if"));
});

test('with nested service stacks, the audit stays in the app tier\'s stack and the nested service is granted it', () => {
  const { stack, system } = virginiaApp({
    servicePlacement: ServicePlacement.NESTED_STACKS,
    services: [{ ...itemsService, enableExecuteCommand: true }],
  });
  Template.fromStack(stack).hasResourceProperties('AWS::ECS::Cluster', { Configuration: { ExecuteCommandConfiguration: { Logging: 'OVERRIDE' } } });
  const nested = Template.fromStack(Stack.of(system.appTier.services[0]));
  nested.hasResourceProperties('AWS::ECS::Service', { EnableExecuteCommand: true });
  const actions = JSON.stringify(Object.values(nested.findResources('AWS::IAM::Policy')).map((p: any) => p.Properties.PolicyDocument));
  for (const action of ['ssmmessages:OpenDataChannel', 'kms:Decrypt', 'logs:PutLogEvents']) expect(actions).toContain(action);
});

test('a standalone service whose only task-role grant is Exec\'s passes the rule packs (the acknowledgement comes after the grants)', () => {
  const stack = newStack({ env: { region: 'us-east-1' } });
  defaultService(stack, { enableExecuteCommand: true });
  expect(formatFindings(nagFindings(stack).filter((f) => f.resource.startsWith('Test/Api/')))).toBe('');
});
