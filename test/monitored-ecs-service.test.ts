import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { containers, defaultService, resourceOf } from './monitored-ecs-service.fixtures';

// Options, scaling, monitoring, load balancers and validation have files of their own
// (monitored-ecs-service.<topic>.test.ts).

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
