import {
  Duration, Stack, aws_applicationautoscaling as appscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_cloudwatch_actions as cw_actions,
  aws_ecs as ecs, aws_sns as sns, aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MonitoredEcsService, ServiceLoadBalancer } from '../src';
import { newStack } from './fixtures';
import { nagFindings } from './helpers/nag';
import { IMAGE, defaultService, everythingOnService } from './monitored-ecs-service.fixtures';

function resourceOf(template: Template, type: string, prefix: string): any {
  const found = Object.entries(template.findResources(type)).find(([k]) => k.startsWith(prefix));
  if (!found) throw new Error(`no ${type} starting with ${prefix}`);
  return found[1];
}

function containers(template: Template): any[] {
  return (Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any).Properties.ContainerDefinitions;
}

describe('MonitoredEcsService defaults', () => {
  const stack = newStack();
  const { service } = defaultService(stack);
  const template = Template.fromStack(stack);

  test('Fargate task of 512 CPU / 1024 MiB on x86_64 Linux', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
  });

  test('creates a cluster with Container Insights (enhanced) and Fargate capacity providers', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }] });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', { CapacityProviders: ['FARGATE', 'FARGATE_SPOT'] });
  });

  test('tasks run in private subnets without public IPs, behind a security group that admits only the load balancer', () => {
    const svc = resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties;
    expect(svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    expect(JSON.stringify(svc.NetworkConfiguration.AwsvpcConfiguration.Subnets)).toMatch(/AppVpcappSubnet/);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r: any) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes('ApiSecurityGroup'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ApiLoadBalancerSecurityGroup/), 'GroupId'] } });
    const sg = resourceOf(template, 'AWS::EC2::SecurityGroup', 'ApiSecurityGroup').Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
  });

  test('AWS constraint: DesiredCount is omitted so a stack update never resets a scaled-out service', () => {
    expect(resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties.DesiredCount).toBeUndefined();
  });

  test('rolling deployment keeps full capacity, with circuit breaker rollback and alarm rollback', () => {
    const svc = resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties;
    expect(svc.DeploymentConfiguration).toMatchObject({
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { Enable: true, Rollback: true },
    });
    expect(svc.DeploymentController).toEqual({ Type: 'ECS' });
  });

  test('deployment alarms reference the 5xx, p99 latency and unhealthy-host alarms by their names', () => {
    const svc = resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties;
    const names = JSON.stringify(svc.DeploymentConfiguration.Alarms.AlarmNames);
    for (const alarm of [service.alarms.serverErrorRate!, service.alarms.p99Latency!, service.alarms.unhealthyHosts!]) {
      const alarmProps = template.findResources('AWS::CloudWatch::Alarm')[stack.getLogicalId(alarm.node.defaultChild as any)].Properties;
      expect(names).toContain(JSON.stringify(alarmProps.AlarmName).slice(1, -1));
    }
    expect(svc.DeploymentConfiguration.Alarms.AlarmNames).toHaveLength(3);
  });

  test('HTTPS listener with a TLS 1.3 policy and the certificate; port 80 redirects to 443', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc' }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
    });
  });

  test('load balancer drops invalid headers, is deletion-protected and logs to the archive', () => {
    const lb = resourceOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'ApiLoadBalancer').Properties;
    expect(lb.Scheme).toBe('internet-facing');
    expect(lb.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'deletion_protection.enabled', Value: 'true' },
      { Key: 'access_logs.s3.enabled', Value: 'true' },
    ]));
  });

  test('target group health check defaults: /, 200-399, 15 s, 5 s, 2/3; deregistration delay 30 s', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8080,
      Protocol: 'HTTP',
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200-399' },
      HealthCheckIntervalSeconds: 15,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    expect(resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties.HealthCheckGracePeriodSeconds).toBe(60);
  });

  test('AWS constraint CT.ECS.PR.7: the app container has a memory hard limit (the task memory)', () => {
    expect(containers(template).find((c) => c.Name === 'app').Memory).toBe(1024);
  });

  test('read-only root filesystem with a writable /tmp scratch volume', () => {
    const app = containers(template).find((c) => c.Name === 'app');
    expect(app.ReadonlyRootFilesystem).toBe(true);
    expect(app.MountPoints).toEqual([{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'scratch-0' }]);
  });

  test('logs go to a log group kept one year (CT.CLOUDWATCH.PR.2), never forever, and retained', () => {
    const group = resourceOf(template, 'AWS::Logs::LogGroup', 'ApiLogs');
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(group.DeletionPolicy).toBe('Retain');
    const app = containers(template).find((c) => c.Name === 'app');
    expect(app.LogConfiguration.LogDriver).toBe('awslogs');
  });

  test('autoscaling 2-10 tasks on CPU 60%, memory 70% and 1000 requests per target', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .map((p: any) => p.Properties.TargetTrackingScalingPolicyConfiguration);
    const byType = Object.fromEntries(policies.map((c) => [c.PredefinedMetricSpecification.PredefinedMetricType, c.TargetValue]));
    expect(byType).toEqual({ ECSServiceAverageCPUUtilization: 60, ECSServiceAverageMemoryUtilization: 70, ALBRequestCountPerTarget: 1000 });
  });

  test('six alarms with documented thresholds, all sending ALARM and OK to the topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
    expect(alarms).toHaveLength(6);
    const thresholds = alarms.map((a) => a.Threshold).sort((a, b) => a - b);
    expect(thresholds).toEqual([1, 1, 5, 85, 85, 2000]);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^ApiAlarmTopic/) }]);
      expect(a.OKActions).toEqual([{ Ref: expect.stringMatching(/^ApiAlarmTopic/) }]);
    }
  });

  test('5xx alarm is a rate: 100 * 5xx / requests', () => {
    const alarm = template.findResources('AWS::CloudWatch::Alarm')[stack.getLogicalId(service.alarms.serverErrorRate!.node.defaultChild as any)];
    const expression = alarm.Properties.Metrics.find((m: any) => m.Expression);
    expect(expression.Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
  });

  test('AWS constraint: alarms can publish to an encrypted topic only with a customer managed key that allows CloudWatch', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAlarmTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchAlarms',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
  });

  test('AWS constraint: a topic with a resource policy must allow CloudWatch alarms to publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchAlarmsToPublish',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        })]),
      },
    });
  });

  test('the service waits for the cluster capacity provider association', () => {
    const svc = resourceOf(template, 'AWS::ECS::Service', 'ApiService');
    expect(svc.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ApiCluster.*/)]));
    const association = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'))[0];
    expect(svc.DependsOn).toContain(association);
  });

  test('ECS deployment failures and unexpected task stops are routed to the topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.ecs'], 'detail-type': ['ECS Deployment State Change'], 'detail': { eventName: ['SERVICE_DEPLOYMENT_FAILED'] } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^ApiAlarmTopic') } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['ECS Task State Change'],
        'detail': Match.objectLike({
          lastStatus: ['STOPPED'],
          $or: [
            { stopCode: [{ 'anything-but': ['UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption'] }] },
            { stoppedReason: [{ prefix: 'Task failed' }] },
          ],
        }),
      }),
    });
  });

  test('dashboard shows requests, errors, latency percentiles, hosts, CPU, memory and tasks', () => {
    const body = JSON.stringify(Stack.of(service).resolve((service.dashboard.node.defaultChild as any).dashboardBody));
    for (const title of ['Requests and errors', 'Target response time', 'Healthy / unhealthy hosts', 'CPU utilization', 'Memory utilization', 'Running vs desired tasks', 'Alarms']) {
      expect(body).toContain(title);
    }
    for (const stat of ['p50', 'p90', 'p99']) expect(body).toContain(stat);
  });

  test('no Lambda function or custom resource by default', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });
});

describe('MonitoredEcsService options', () => {
  test('environment and secrets are written in key order, whatever order the map had (a Go map has none; a new order is a new task definition)', () => {
    const names = (environment: Record<string, string>) => {
      const stack = newStack();
      const token = ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/token' }));
      defaultService(stack, { environment, secrets: { Z_TOKEN: token, A_TOKEN: token } });
      const defs = Object.values<any>(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
      const app = defs.find((d: any) => d.Name === 'app');
      return [app.Environment.map((e: any) => e.Name), app.Secrets.map((e: any) => e.Name)];
    };
    expect(names({ ITEMS_STORE: 'postgres', BASE_PATH: '/api' })).toEqual([['BASE_PATH', 'ITEMS_STORE'], ['A_TOKEN', 'Z_TOKEN']]);
    expect(names({ BASE_PATH: '/api', ITEMS_STORE: 'postgres' })).toEqual([['BASE_PATH', 'ITEMS_STORE'], ['A_TOKEN', 'Z_TOKEN']]);
  });

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

  test('AWS constraint: ECS Exec with a read-only root filesystem gets writable SSM agent paths', () => {
    const stack = newStack();
    defaultService(stack, { enableExecuteCommand: true });
    const template = Template.fromStack(stack);
    const app = containers(template).find((c: any) => c.Name === 'app');
    expect(app.ReadonlyRootFilesystem).toBe(true);
    expect(app.MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp', '/managed-agents', '/var/lib/amazon/ssm', '/var/log/amazon/ssm']);
    expect(app.LinuxParameters.InitProcessEnabled).toBe(true);
    expect(resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties.EnableExecuteCommand).toBe(true);
  });

  test('ECS Exec with a writable root needs no extra volumes', () => {
    const stack = newStack();
    defaultService(stack, { enableExecuteCommand: true, readonlyRootFilesystem: false });
    const app = containers(Template.fromStack(stack)).find((c: any) => c.Name === 'app');
    expect(app.MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp']);
  });

  test('Fargate Spot share: one task always on-demand, the rest split by weight', () => {
    const stack = newStack();
    defaultService(stack, { spotShare: 0.7 });
    expect(resourceOf(Template.fromStack(stack), 'AWS::ECS::Service', 'ApiService').Properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 3 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 7 },
    ]);
  });

  test('ARM64, non-root user, environment and secrets reach the task definition', () => {
    const stack = newStack();
    const secret = ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/token' }));
    defaultService(stack, { cpuArchitecture: ecs.CpuArchitecture.ARM64, user: '1000:1000', environment: { MODE: 'prod' }, secrets: { TOKEN: secret } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
    const app = containers(template).find((c: any) => c.Name === 'app');
    expect(app.User).toBe('1000:1000');
    expect(app.Environment).toEqual([{ Name: 'MODE', Value: 'prod' }]);
    expect(app.Secrets[0].Name).toBe('TOKEN');
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

  test('tasks in isolated subnets get a warning about the endpoints they need', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Isolated', {
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const { archive, certificate } = defaultService(stack);
    new MonitoredEcsService(stack, 'Isolated1', {
      vpc, image: IMAGE, loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive }),
    });
    Annotations.fromStack(stack).hasWarning('/Test/Isolated1', Match.stringLikeRegexp('interface endpoints for ECR'));
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

  test('scaling window raises min tasks at the start and restores them at the end', () => {
    const stack = newStack();
    const { service } = defaultService(stack);
    service.addScalingWindow('Concert', {
      start: appscaling.Schedule.cron({ minute: '0', hour: '18', day: '24', month: '12' }),
      end: appscaling.Schedule.cron({ minute: '0', hour: '23', day: '24', month: '12' }),
      minTasks: 20,
    });
    const target = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    const actions = target.Properties.ScheduledActions;
    expect(actions).toEqual([
      expect.objectContaining({ ScheduledActionName: 'ConcertStart', ScalableTargetAction: { MinCapacity: 20, MaxCapacity: 20 }, Schedule: 'cron(0 18 24 12 ? *)' }),
      expect.objectContaining({ ScheduledActionName: 'ConcertEnd', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 10 }, Schedule: 'cron(0 23 24 12 ? *)' }),
    ]);
  });

  test('scaling policies can be switched off with 0', () => {
    const stack = newStack();
    defaultService(stack, { cpuTargetPercent: 0, memoryTargetPercent: 0, requestsPerTarget: 0 });
    Template.fromStack(stack).resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
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

describe('shared load balancer', () => {
  function sharedSetup() {
    const stack = newStack();
    const { service: first, archive } = defaultService(stack);
    return { stack, first, archive };
  }

  test('several services share one listener through path and host rules', () => {
    const { stack, first } = sharedSetup();
    new MonitoredEcsService(stack, 'Ai', {
      cluster: first.cluster,
      image: IMAGE,
      loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 20, pathPatterns: ['/ai/*'], hostHeaders: ['api.example.com'] }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20,
      Conditions: Match.arrayWith([
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/ai/*'] } },
        { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
      ]),
    });
    template.resourceCountIs('AWS::ECS::Cluster', 1);
  });

  test('fails when two services claim the same listener rule priority', () => {
    const { stack, first } = sharedSetup();
    const lb = (priority: number) => ServiceLoadBalancer.sharedListener(first.listener, { priority, pathPatterns: [`/p${priority}/*`] });
    new MonitoredEcsService(stack, 'A', { cluster: first.cluster, image: IMAGE, loadBalancer: lb(5) });
    expect(() => new MonitoredEcsService(stack, 'B', { cluster: first.cluster, image: IMAGE, loadBalancer: lb(5) }))
      .toThrow(/^Test\/B: loadBalancer.priority 5 is invalid: Test\/A already uses this priority on the listener/);
  });

  test('fails on a rule without conditions', () => {
    const { stack, first } = sharedSetup();
    expect(() => new MonitoredEcsService(stack, 'A', {
      cluster: first.cluster, image: IMAGE, loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 3 }),
    })).toThrow(/Test\/A: loadBalancer.pathPatterns \[\] is invalid: a rule on a shared listener needs a condition.*Give pathPatterns and\/or hostHeaders/);
  });
});

describe('validation', () => {
  test('AWS constraint: Fargate accepts only documented CPU/memory pairs', () => {
    expect(() => defaultService(newStack(), { cpu: 256, memoryLimitMiB: 4096 })).toThrow(/^Test\/Api: memoryLimitMiB 4096 is invalid: it is not valid with cpu 256; Fargate accepts 512-2048 MiB/);
    expect(() => defaultService(newStack(), { cpu: 300 })).toThrow(/^Test\/Api: cpu 300 is invalid: cpu 300 is not a Fargate size\. Use one of 256, 512/);
    expect(() => defaultService(newStack(), { cpu: 8192, memoryLimitMiB: 18432 })).toThrow(/steps of 4096/);
    expect(() => defaultService(newStack(), { cpu: 1024, memoryLimitMiB: 8192 })).not.toThrow();
  });

  test('fails when minTasks > maxTasks', () => {
    expect(() => defaultService(newStack(), { minTasks: 5, maxTasks: 2 })).toThrow(/^Test\/Api: minTasks 5 is invalid: minTasks \(5\) must not exceed maxTasks \(2\)/);
  });

  test('fails when the health check path lacks a leading slash', () => {
    expect(() => defaultService(newStack(), { healthCheck: { path: 'healthz' } })).toThrow(/healthCheck.path "healthz" is invalid: a health check path starts with '\/'.*Write it as '\/healthz'/);
  });

  test('fails when the health check timeout is not shorter than the interval', () => {
    expect(() => defaultService(newStack(), { healthCheck: { interval: Duration.seconds(5), timeout: Duration.seconds(5) } }))
      .toThrow(/healthCheck.timeout 5 seconds is invalid: a health check timeout must be shorter than its interval \(5 seconds\)/);
  });

  test('fails on a Spot share outside 0..1', () => {
    expect(() => defaultService(newStack(), { spotShare: 1.5 })).toThrow(/^Test\/Api: spotShare 1.5 is invalid: the share of tasks on Fargate Spot is from 0 to 1/);
  });

  test('fails without a vpc or a cluster', () => {
    const stack = newStack();
    const made = defaultService(stack);
    expect(() => new MonitoredEcsService(stack, 'X', { image: IMAGE, loadBalancer: ServiceLoadBalancer.sharedListener(made.service.listener, { priority: 1, pathPatterns: ['/'] }) }))
      .toThrow(/vpc undefined is invalid: a service runs in a cluster, and none was given\. Give vpc/);
  });

  test('fails on a negative alarm threshold', () => {
    expect(() => defaultService(newStack(), { alarms: { cpu: { threshold: -1 } } })).toThrow(/^Test\/Api: alarms.cpu.threshold -1 is invalid: a percentage threshold must be above 0 and at most 100/);
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

describe('internal load balancer', () => {
  const internal = (options: { allowFrom?: ec2.IPeer[] } = {}) => {
    const stack = newStack();
    const { archive, certificate, vpc } = defaultService(stack);
    new MonitoredEcsService(stack, 'Internal', {
      vpc,
      image: IMAGE,
      loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive, internetFacing: false, ...options }),
    });
    return stack;
  };
  const ingressOf = (stack: Stack) => {
    const groups = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup');
    const id = Object.keys(groups).find((k) => k.startsWith('InternalLoadBalancerSecurityGroup'))!;
    return (groups[id].Properties.SecurityGroupIngress ?? []) as Array<{ CidrIp?: unknown; FromPort: number }>;
  };

  test('never opens 0.0.0.0/0 on 80 or 443, and admits the VPC CIDR on both', () => {
    const ingress = ingressOf(internal());
    expect(ingress.filter((r) => r.CidrIp === '0.0.0.0/0')).toEqual([]);
    expect(ingress.map((r) => r.FromPort).sort()).toEqual([443, 80]);
    expect(ingress.every((r) => JSON.stringify(r.CidrIp).includes('CidrBlock'))).toBe(true);
  });

  test('admits only the peers given in allowFrom', () => {
    const ingress = ingressOf(internal({ allowFrom: [ec2.Peer.ipv4('10.20.0.0/16')] }));
    expect(ingress.map((r) => [r.CidrIp, r.FromPort])).toEqual(expect.arrayContaining([['10.20.0.0/16', 443], ['10.20.0.0/16', 80]]));
    expect(ingress).toHaveLength(2);
  });

  test('passes the AwsSolutions pack without a suppression from the user', () => {
    const findings = nagFindings(internal()).filter((f) => f.resource.startsWith('Test/Internal/'));
    expect(findings).toEqual([]);
  });
});
