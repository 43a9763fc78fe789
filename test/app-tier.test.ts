import * as path from 'path';
import { Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_sns as sns } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { appVpc, newStack } from './fixtures';
import { image, itemsService, resourcesOf, virginiaApp } from './three-tier-app.fixtures';
import { AppTier, DataStore, DatabaseAccess, LogArchiveBucket, NatMode, ServiceDeployment, ServicePlacement, TestTraffic } from '../src';

describe('AppTier alone', () => {
  // Two services in a VPC and archive of the test's own.
  const alone = newStack();
  const logArchive = new LogArchiveBucket(alone, 'Logs');
  const appTier = new AppTier(alone, 'App', { vpc: appVpc(alone), logArchive });
  const items = appTier.addService('Items', { image, pathPatterns: ['/api/items/*'] });
  appTier.addService('Ai', { image, pathPatterns: ['/api/ai/*'], hostHeaders: ['ai.example.com'] });
  const t = Template.fromStack(alone);

  test('one cluster and one internal, deletion-protected load balancer that logs to the archive; its listener answers 404 where no service routes', () => {
    const archive = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => /^LogsBucket/.test(id))![0];
    t.resourceCountIs('AWS::ECS::Cluster', 1);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: archive } },
      ]),
    });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) })],
    });
  });

  test('addService: each service on the tier\'s cluster, behind the shared listener at the next priority, alarming to a new encrypted topic', () => {
    expect(appTier.services.map((s) => s.node.id)).toEqual(['Items', 'Ai']);
    expect(items.cluster).toBe(appTier.cluster);
    t.resourceCountIs('AWS::ECS::Service', 2);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/items/*'] } }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20, Conditions: Match.arrayWith([{ Field: 'host-header', HostHeaderConfig: { Values: ['ai.example.com'] } }]),
    });
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const [[topic, topicResource]] = resourcesOf(t, 'AWS::SNS::Topic');
    expect(topicResource.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = resourcesOf(t, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });

  test('service defaults apply where a service is silent; a given topic takes the alarms; deletion protection can be off', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Ops');
    const tier = new AppTier(stack, 'App', {
      vpc: appVpc(stack),
      logArchive: new LogArchiveBucket(stack, 'Logs'),
      alarmTopic: topic,
      deletionProtection: false,
      serviceDefaults: { minTasks: 1, maxTasks: 4, spotShare: 0, cpu: 256, memoryLimitMiB: 512 },
    });
    tier.addService('Items', { image });
    const tt = Template.fromStack(stack);
    expect(tier.alarmTopic).toBe(topic);
    tt.resourceCountIs('AWS::SNS::Topic', 1);
    const topicId = stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic);
    for (const [, alarm] of resourcesOf(tt, 'AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    tt.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
    tt.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    tt.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
  });
});

describe('app tier of a ThreeTierApp', () => {
  // A production system with the items service, read by several tests.
  const production = Template.fromStack(virginiaApp().stack);

  test('services share one internal ALB, routed by path with distinct priorities', () => {
    const t = Template.fromStack(virginiaApp({
      services: [itemsService, { id: 'Ai', image, pathPatterns: ['/api/ai/*'] }],
    }).stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.resourceCountIs('AWS::ECS::Service', 2);
    t.resourceCountIs('AWS::ECS::Cluster', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/items', '/api/items/*'] } }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/ai/*'] } }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) })],
    });
  });

  test('addService adds a service after construction', () => {
    const { stack, system } = virginiaApp({ services: [] });
    system.addService('Late', { image, pathPatterns: ['/api/late/*'] });
    Template.fromStack(stack).resourceCountIs('AWS::ECS::Service', 1);
    expect(system.appTier.services.map((s) => s.node.id)).toEqual(['Late']);
  });

  test('fails when two services route the same paths', () => {
    expect(() => virginiaApp({ services: [{ id: 'A', image }, { id: 'B', image }] })).toThrow(/^System\/App\/App: service 'B' pathPatterns\/hostHeaders .* is invalid: service 'A' already routes the same paths and hosts/);
  });

  test('security groups chain web → app → data only', () => {
    const sgs = resourcesOf(production, 'AWS::EC2::SecurityGroup');
    const lbSg = sgs.find(([id]) => id.includes('LoadBalancerSecurityGroup'))![0];
    const taskSg = sgs.find(([id]) => /ItemsSecurityGroup/.test(id))![0];
    const servicesSg = sgs.find(([id]) => /AppServicesSecurityGroup/.test(id))![0];
    const clientsSg = sgs.find(([id]) => /AppDatabaseClients/.test(id))![0];
    const dbSg = sgs.find(([id]) => /DataSecurityGroup/.test(id))![0];
    // Tasks admit the load balancer only, on their port; the load balancer may send to the services' shared group on that port.
    production.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [taskSg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [lbSg, 'GroupId'] }, FromPort: 8080, ToPort: 8080,
    });
    production.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [lbSg, 'GroupId'] }, DestinationSecurityGroupId: { 'Fn::GetAtt': [servicesSg, 'GroupId'] }, FromPort: 8080, ToPort: 8080,
    });
    // The database admits its clients' shared group only, on 5432; the tasks carry both shared groups beside their own.
    production.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [dbSg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [clientsSg, 'GroupId'] }, FromPort: 5432, ToPort: 5432,
    });
    const groups = resourcesOf(production, 'AWS::ECS::Service')[0][1].Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups;
    expect(groups).toEqual([taskSg, clientsSg, servicesSg].map((id) => ({ 'Fn::GetAtt': [id, 'GroupId'] })));
    const ingress = resourcesOf(production, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress.filter((r) => JSON.stringify(r.GroupId).includes(dbSg))).toHaveLength(1);
    expect(ingress.filter((r) => JSON.stringify(r.GroupId).includes(taskSg))).toHaveLength(1);
    // The shared groups admit nothing: reaching one service means naming its own group.
    for (const shared of [servicesSg, clientsSg]) expect(ingress.filter((r) => JSON.stringify(r.GroupId).includes(shared))).toHaveLength(0);
    expect(sgs.find(([id]) => id === dbSg)![1].Properties.SecurityGroupIngress).toBeUndefined();
    // The load balancer's only egress is that one rule.
    expect(resourcesOf(production, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => JSON.stringify(r.Properties.GroupId).includes(lbSg))).toHaveLength(1);
  });

  test('database connection details and the RDS-managed secret are injected into the containers', () => {
    const cluster = resourcesOf(production, 'AWS::RDS::DBCluster')[0][0];
    const container = resourcesOf(production, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
    const env = Object.fromEntries(container.Environment.map((e: any) => [e.Name, e.Value]));
    expect(env).toEqual(expect.objectContaining({
      DB_ENGINE: 'postgres', DB_PORT: '5432', DB_NAME: 'app', DB_HOST: { 'Fn::GetAtt': [cluster, 'Endpoint.Address'] },
    }));
    const secrets = Object.fromEntries(container.Secrets.map((s: any) => [s.Name, JSON.stringify(s.ValueFrom)]));
    expect(secrets.DB_USER).toContain('MasterUserSecret.SecretArn');
    expect(secrets.DB_USER).toContain(':username::');
    expect(secrets.DB_PASSWORD).toContain(':password::');
    // RDS rotates the secret; the ARN lets the service re-read it, and only the task role may.
    expect(env.DB_SECRET_ARN).toEqual({ 'Fn::GetAtt': [cluster, 'MasterUserSecret.SecretArn'] });
    // Only the execution role reads the secret, and only that secret.
    production.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { 'Fn::GetAtt': [cluster, 'MasterUserSecret.SecretArn'] },
        })]),
      },
    });
  });

  test('the task role may read the rotating master secret (and only that secret)', () => {
    const cluster = resourcesOf(production, 'AWS::RDS::DBCluster')[0][0];
    const taskPolicy = resourcesOf(production, 'AWS::IAM::Policy').find(([id]) => /ItemsTaskDefinitionTaskRoleDefaultPolicy/.test(id))![1];
    expect(taskPolicy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { 'Fn::GetAtt': [cluster, 'MasterUserSecret.SecretArn'] },
    })]);
  });

  test('services start after the database (writer included) exists', () => {
    const service = resourcesOf(production, 'AWS::ECS::Service')[0][1];
    const writer = resourcesOf(production, 'AWS::RDS::DBInstance').find(([id]) => /Writer/.test(id))![0];
    expect(service.DependsOn).toEqual(expect.arrayContaining([resourcesOf(production, 'AWS::RDS::DBCluster')[0][0], writer]));
  });

  test('host routing works through CloudFront: the API behaviour forwards the viewer\'s Host', () => {
    const t = Template.fromStack(virginiaApp({ services: [{ id: 'Admin', image, hostHeaders: ['admin.example.com'] }] }).stack);
    const dist = resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    expect(dist.CacheBehaviors[0].OriginRequestPolicyId).toBe('216adef6-5c7f-47e4-b989-5492eafa07d3'); // Managed-AllViewer
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['admin.example.com'] } }],
    });
  });

  test('without NAT: warnings for registry images and the public collector image, none for an image asset', () => {
    const warnings = (props: object) => {
      const { stack } = virginiaApp({ natMode: NatMode.none(), services: [{ ...itemsService, ...props }] });
      return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
    };
    const asset = ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'examples', 'items-service'));
    expect(warnings({ image: asset }).filter((w) => /NAT|public.ecr/.test(w))).toEqual([]);
    expect(warnings({}).join('\n')).toMatch(/can pull images from ECR in this region only/);
    expect(warnings({ image: asset, prometheus: {} }).join('\n')).toMatch(/public.ecr.aws, which has no VPC endpoint/);
  });

  test('DatabaseAccess.IAM: rds-db:connect for one database user, no password', () => {
    const t = Template.fromStack(virginiaApp({ services: [{ ...itemsService, databaseAccess: DatabaseAccess.IAM, databaseUser: 'items' }] }).stack);
    const container = resourcesOf(t, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
    expect(container.Secrets).toBeUndefined();
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'DB_USER', Value: 'items' }, { Name: 'DB_IAM_AUTH', Value: 'true' }]));
    const statements = resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const connect = statements.filter((st) => st.Action === 'rds-db:connect');
    expect(connect).toHaveLength(1);
    expect(JSON.stringify(connect[0].Resource)).toMatch(/:dbuser:.*\/items"/);
  });

  test('DynamoDB: the table name in the environment and read/write on its items', () => {
    const t = Template.fromStack(virginiaApp({ database: DataStore.dynamoDb() }).stack);
    const table = resourcesOf(t, 'AWS::DynamoDB::GlobalTable')[0][0];
    const container = resourcesOf(t, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'DYNAMODB_TABLE', Value: { Ref: table } }]));
    const statements = resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const items = statements.find((st) => JSON.stringify(st.Resource).includes(table));
    expect(items.Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Query']));
    expect(items.Action).not.toContain('dynamodb:DeleteTable');
  });

  test('DatabaseAccess.NONE: no database environment, grant or network path', () => {
    const t = Template.fromStack(virginiaApp({ services: [{ ...itemsService, databaseAccess: DatabaseAccess.NONE }] }).stack);
    const container = resourcesOf(t, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
    expect(JSON.stringify(container)).not.toMatch(/DB_HOST|DB_PASSWORD/);
    const dbSg = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([id]) => /DataSecurityGroup/.test(id))![0];
    expect(JSON.stringify(t.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain(dbSg);
    // No database clients' group either: the tasks carry their own group and the services' shared one.
    expect(resourcesOf(t, 'AWS::EC2::SecurityGroup').map(([id]) => id).filter((id) => /DatabaseClients/.test(id))).toEqual([]);
    expect(resourcesOf(t, 'AWS::ECS::Service')[0][1].Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toHaveLength(2);
  });

  test('ServicePlacement.NESTED_STACKS: each service in a nested stack with its own security group rules', () => {
    const { stack, system } = virginiaApp({ servicePlacement: ServicePlacement.NESTED_STACKS });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudFormation::Stack', 1);
    t.resourceCountIs('AWS::ECS::Service', 0);
    const nested = Template.fromStack(Stack.of(system.appTier.services[0]));
    nested.resourceCountIs('AWS::ECS::Service', 1);
    nested.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    // The service's own rule (from the load balancer) lives beside it; the shared groups' rules stay in the
    // system's stack, and the nested stack is created after them (the database's and the load balancer's groups).
    nested.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, SourceSecurityGroupId: { Ref: Match.stringLikeRegexp('LoadBalancerSecurityGroup') } });
    nested.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    expect(JSON.stringify(t.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain('ItemsSecurityGroup');
    const dependsOn: string[] = Object.values(t.findResources('AWS::CloudFormation::Stack'))[0].DependsOn;
    for (const rule of ['AppDataSecurityGroupfromSystemAppDatabaseClients', 'AppLoadBalancerSecurityGroupto']) {
      expect(dependsOn.some((d) => d.startsWith(rule))).toBe(true);
    }
  });

  test('database and endpoint rules raise no redundant-egress warning (the tasks allow all outbound)', () => {
    for (const placement of [ServicePlacement.SAME_STACK, ServicePlacement.NESTED_STACKS]) {
      const { stack } = virginiaApp({ natMode: NatMode.none(), servicePlacement: placement });
      // A nested stack's messages are reported with its parent's.
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Egress rule'));
      expect(warnings.map((w) => w.entry.data)).toEqual([]);
      // The rules are there all the same, in the system's stack: the database port and HTTPS to each endpoint.
      const ingress = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress')) as any[];
      const from = (group: string) => ingress.filter((r) => JSON.stringify(r.Properties.SourceSecurityGroupId ?? '').includes(group));
      expect(from('AppServicesSecurityGroup').filter((r) => r.Properties.FromPort === 443).length).toBeGreaterThanOrEqual(5);
      expect(from('AppDatabaseClients').map((r) => r.Properties.FromPort)).toEqual([5432]);
    }
  });

  test('ServicePlacement.NESTED_STACKS: 30 services keep the system stack far under 500 resources; SAME_STACK is refused at synth', () => {
    const services = Array.from({ length: 30 }, (_, i) => ({ id: `S${i}`, image, pathPatterns: [`/api/s${i}/*`] }));
    const nested = virginiaApp({ services, servicePlacement: ServicePlacement.NESTED_STACKS });
    const count = Object.keys(Template.fromStack(nested.stack).toJSON().Resources).length;
    expect(count).toBeLessThan(200);
    const same = virginiaApp({ services });
    expect(() => same.app.synth()).toThrow(/greater than allowed maximum of 500/);
  });

  test('no security group grows with the services: 30 services leave every shared group with the rules of one', () => {
    const rulesOf = (count: number) => {
      const services = Array.from({ length: count }, (_, i) => ({ id: `S${i}`, image, pathPatterns: [`/api/s${i}/*`] }));
      const { stack } = virginiaApp({ services, natMode: NatMode.none(), servicePlacement: ServicePlacement.NESTED_STACKS });
      const t = Template.fromStack(stack);
      return ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'].map((type) => Object.keys(t.findResources(type)).length);
    };
    expect(rulesOf(30)).toEqual(rulesOf(1));
  });

  test('past 100 target groups (a fixed quota; the rules reach their 100 together), an error that says what to do', () => {
    const { system } = virginiaApp({ servicePlacement: ServicePlacement.NESTED_STACKS, services: [] });
    const smokeTests = (i: number) => [{ path: `/api/s${i}/` }];
    // 49 services with two target groups and two rules each, then rolling ones.
    for (let i = 0; i < 49; i++) {
      system.addService(`P${i}`, { image, pathPatterns: [`/api/s${i}/*`], priority: 10 + i * 10, deployment: ServiceDeployment.blueGreen({ smokeTests: smokeTests(i) }) });
    }
    system.addService('R1', { image, pathPatterns: ['/api/r1/*'], priority: 1000 });
    system.addService('R2', { image, pathPatterns: ['/api/r2/*'], priority: 1010 });
    expect(() => system.addService('R3', { image, pathPatterns: ['/api/r3/*'], priority: 1020 }))
      .toThrow(/101 target groups.*at most 100 target groups \(a fixed quota\).*Deploy 'R3' and the services after it rolling/);
  });

  test('a service\'s own securityGroups add to the database clients\' group, never replace it', () => {
    const { stack, system } = virginiaApp({ services: [] });
    const mine = new ec2.SecurityGroup(stack, 'Mine', { vpc: system.network.vpc });
    system.addService('Items', { ...itemsService, securityGroups: [mine] });
    system.addService('Other', { ...itemsService, pathPatterns: ['/other/*'], securityGroups: undefined });
    const t = Template.fromStack(stack);
    const groups = Object.values(t.findResources('AWS::ECS::Service')).map((r: any) =>
      r.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.map((g: any) => g['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')));
    expect(groups).toEqual([
      ['AppItemsSecurityGroup', 'AppDatabaseClients', 'Mine', 'AppServicesSecurityGroup'],
      ['AppOtherSecurityGroup', 'AppDatabaseClients', 'AppServicesSecurityGroup'],
    ]);
  });

  test('at most 4 test ports: the load balancer\'s group holds CloudFront\'s prefix list (55 of 60 rules)', () => {
    const { system } = virginiaApp({ services: [] });
    const port = (i: number, p: number) => system.addService(`P${i}`, {
      image, pathPatterns: [`/api/p${i}/*`], deployment: ServiceDeployment.linear({ testTraffic: TestTraffic.port(p), smokeTests: [{ path: `/api/p${i}/` }] }),
    });
    [9080, 9081, 9082, 9083, 9080].forEach((p, i) => port(i, p)); // a port another service uses takes no new rule
    expect(() => port(5, 9084)).toThrow(/service 'P5' deployment.testTraffic "port 9084" is invalid: .*prefix list, which counts as 55 of its 60 inbound rules.*Use one of ports 9080, 9081, 9082, 9083 or TestTraffic.header/);
  });

  test('dashboardServiceRows: rows for the first services, fleet graphs for all', () => {
    const services = Array.from({ length: 3 }, (_, i) => ({ id: `S${i}`, image, pathPatterns: [`/api/s${i}/*`] }));
    const { stack, system } = virginiaApp({ services, dashboardServiceRows: 2 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(body).toContain('## S0');
    expect(body).toContain('## S1');
    expect(body).not.toContain('## S2');
    // Every service, by the load balancer's or the cluster's name: the 10 highest of each.
    expect(body.match(/SORT\(SEARCH\('\{AWS\/ApplicationELB,LoadBalancer,TargetGroup\} MetricName=[^']*(RequestCount|HTTPCode_Target_5XX_Count|TargetResponseTime|UnHealthyHostCount)/g)).toHaveLength(4);
    expect(body.match(/SORT\(SEARCH\('\{AWS\/ECS,ClusterName,ServiceName\} MetricName=[^']*(CPUUtilization|MemoryUtilization)/g)).toHaveLength(2);
    expect(body.match(/DESC, 10\)/g)).toHaveLength(6);
    expect(system.appTier.services[1].dashboard).toBe(system.dashboard);
    expect(() => system.appTier.services[2].dashboard).toThrow(/dashboard undefined is invalid: the service draws no rows/);
    expect(() => virginiaApp({ dashboardServiceRows: 41 })).toThrow(/dashboardServiceRows 41 is invalid/);
  });

  test('services send alarms to the system topic', () => {
    production.resourceCountIs('AWS::SNS::Topic', 1);
    const topic = resourcesOf(production, 'AWS::SNS::Topic')[0][0];
    for (const [, alarm] of resourcesOf(production, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });
});
