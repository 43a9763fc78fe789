import { aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MonitoredEcsService, ServiceLoadBalancer } from '../src';
import { newStack } from './fixtures';
import { IMAGE, containers, defaultService, everythingOnService, resourceOf } from './monitored-ecs-service.fixtures';

describe('MonitoredEcsService monitoring options', () => {
  test('a given dashboard gets the service rows under a heading, and the service makes none of its own', () => {
    const stack = newStack();
    const shared = new cloudwatch.Dashboard(stack, 'Shared');
    const { service } = defaultService(stack, { dashboard: shared });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(service.dashboard).toBe(shared);
    const body = JSON.stringify(stack.resolve((shared.node.defaultChild as any).dashboardBody));
    expect(body).toContain('## Api');
    for (const title of ['Requests and errors', 'Running vs desired tasks', 'Alarms']) expect(body).toContain(`Api: ${title}`);
  });

  test('alarms can be tuned and switched off; a disabled alarm is not a deployment alarm', () => {
    const stack = newStack();
    const { service } = defaultService(stack, {
      alarms: { p99Latency: { threshold: 800 }, cpu: { enabled: false }, serverErrorRate: { enabled: false } },
    });
    const template = Template.fromStack(stack);
    expect(service.alarms.cpu).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const latency = template.findResources('AWS::CloudWatch::Alarm')[stack.getLogicalId(service.alarms.p99Latency!.node.defaultChild as any)];
    expect(latency.Properties.Threshold).toBe(800);
    expect(resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties.DeploymentConfiguration.Alarms.AlarmNames).toHaveLength(2);
  });

  test('rollbackOnFailure: false turns off circuit-breaker and alarm rollback', () => {
    const stack = newStack();
    defaultService(stack, { rollbackOnFailure: false });
    const cfg = resourceOf(Template.fromStack(stack), 'AWS::ECS::Service', 'ApiService').Properties.DeploymentConfiguration;
    expect(cfg.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: false });
    expect(cfg.Alarms?.Enable ?? false).toBe(false);
  });

  test('a given topic receives the alarms and no key or topic is created', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Ops');
    const { service } = defaultService(stack, { alarmTopic: topic });
    expect(service.alarmTopic).toBe(topic);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish' })]) },
    });
  });

  test('addAlarmAction adds an action to every alarm', () => {
    const stack = newStack();
    const { service } = defaultService(stack);
    const other = new sns.Topic(stack, 'Pager');
    service.addAlarmAction(new cw_actions.SnsAction(other));
    for (const a of Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[]) {
      expect(a.Properties.AlarmActions).toHaveLength(2);
    }
  });

  test('logs can also stream to the archive through Firehose', () => {
    const stack = newStack();
    const made = defaultService(stack);
    const other = new MonitoredEcsService(stack, 'Worker', {
      cluster: made.service.cluster,
      image: IMAGE,
      logArchive: made.archive,
      loadBalancer: ServiceLoadBalancer.sharedListener(made.service.listener, { priority: 10, pathPatterns: ['/worker/*'] }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: { Ref: stack.getLogicalId(other.logGroup.node.defaultChild as any) } });
  });
});

describe('everything on', () => {
  const stack = newStack();
  const { service } = everythingOnService(stack);
  const template = Template.fromStack(stack);

  test('Prometheus: ADOT collector sidecar scrapes /metrics and remote-writes to a new AMP workspace', () => {
    template.resourceCountIs('AWS::APS::Workspace', 1);
    const collector = containers(template).find((c: any) => c.Name === 'otel-collector');
    expect(collector.Image).toMatch(/aws-otel-collector/);
    expect(collector.Essential).toBe(false);
    expect(collector.User).toBe('4317:4317');
    expect(collector.ReadonlyRootFilesystem).toBe(true);
    const config = JSON.stringify(collector.Environment.find((e: any) => e.Name === 'AOT_CONFIG_CONTENT').Value);
    expect(config).toContain('metrics_path: /metrics');
    expect(config).toContain("targets: ['localhost:8080']");
    expect(config).toContain('api/v1/remote_write');
    expect(config).toContain('authenticator: sigv4auth');
    expect(config).toContain('processors: [memory_limiter, batch]');
  });

  test('AWS constraint: container memory limits add up to the task memory (app 896 + collector 128 MiB)', () => {
    const byName = Object.fromEntries(containers(template).map((c: any) => [c.Name, c.Memory]));
    expect(byName).toEqual({ 'app': 896, 'otel-collector': 128 });
  });

  test('Prometheus: the task role may only remote-write to that workspace', () => {
    const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([k]) => k.startsWith('ApiTaskDefinitionTaskRole'))![1] as any;
    const statement = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Action === 'aps:RemoteWrite');
    expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiPrometheusWorkspace/), 'Arn'] });
  });

  test('Slack via AWS Chatbot subscribes to the topic', () => {
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD', SlackChannelId: 'C0123ABCD', SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^ApiAlarmTopic') }],
    });
  });

  test('Slack via webhook: a Lambda subscribed to the topic that may read only its secret', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: { Ref: Match.stringLikeRegexp('^ApiAlarmTopic') } });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Environment: { Variables: { WEBHOOK_SECRET_ARN: { Ref: Match.stringLikeRegexp('^SlackWebhook') } } } });
    const policy = resourceOf(template, 'AWS::IAM::ManagedPolicy', 'ApiSlackNotifierPolicy').Properties.PolicyDocument.Statement;
    expect(policy.find((s: any) => s.Action === 'secretsmanager:GetSecretValue').Resource).toEqual({ Ref: expect.stringMatching(/^SlackWebhook/) });
    expect(policy.flatMap((s: any) => [].concat(s.Resource)).map((r: any) => JSON.stringify(r))).not.toContain('"*"');
  });

  test('Grafana dashboard JSON has CloudWatch panels and Prometheus panels', () => {
    const model = stack.resolve(service.grafanaDashboardJson());
    const json = JSON.stringify(model);
    expect(json).toContain('AWS/ApplicationELB');
    expect(json).toContain('ECS/ContainerInsights');
    expect(json).toContain('TargetResponseTime');
    expect(json).toContain('histogram_quantile(0.99');
    expect(json).toContain('prometheus');
  });
});
