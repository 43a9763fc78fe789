import { App, Stack, aws_ec2 as ec2, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';
import { CacheAuthentication, CacheDeployment, DatabaseAccess, ServicePlacement, ValkeyCache } from '../src';

// The cache tier: ElastiCache for Valkey, reachable only by the services that ask for it.

const environmentOf = (t: Template, prefix: string): Record<string, any> => {
  const taskDefinition = Object.entries(t.findResources('AWS::ECS::TaskDefinition')).find(([id]) => id.startsWith(prefix))![1] as any;
  return Object.fromEntries((taskDefinition.Properties.ContainerDefinitions[0].Environment ?? []).map((e: any) => [e.Name, e.Value]));
};
const secretsOf = (t: Template, prefix: string): string[] => {
  const taskDefinition = Object.entries(t.findResources('AWS::ECS::TaskDefinition')).find(([id]) => id.startsWith(prefix))![1] as any;
  return (taskDefinition.Properties.ContainerDefinitions[0].Secrets ?? []).map((s: any) => s.Name);
};
const ingressTo = (t: Template, groupPrefix: string) => Object.values(t.findResources('AWS::EC2::SecurityGroupIngress'))
  .map((r: any) => r.Properties).filter((p: any) => JSON.stringify(p.GroupId).includes(groupPrefix));

describe('a system with a serverless cache (the default), one service asking for it', () => {
  const { stack, system } = virginiaApp({
    cache: {},
    services: [{ ...itemsService, cache: true }, { ...itemsService, id: 'Other', pathPatterns: ['/api/other/*'] }],
  });
  const t = Template.fromStack(stack);

  test('ServerlessCacheName is stored lowercase, and no subnet group (SubnetIds + SecurityGroupIds on the resource): a lowercase name of 40 characters at most, valkey 8, the isolated subnets', () => {
    const cache = Object.values(t.findResources('AWS::ElastiCache::ServerlessCache'))[0] as any;
    expect(cache.Properties).toMatchObject({ Engine: 'valkey', MajorEngineVersion: '8', CacheUsageLimits: { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Maximum: 100000 } } });
    expect(cache.Properties.ServerlessCacheName).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
    expect(cache.Properties.ServerlessCacheName).not.toMatch(/--|-$/);
    const isolated = system.network.vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId));
    expect(cache.Properties.SubnetIds).toEqual(isolated);
  });

  test('TLS always on, ports 6379 and 6380: only the asking service is admitted (its cache clients\' group), on both ports', () => {
    const rules = ingressTo(t, 'AppCacheSecurityGroup');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6380, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^AppCacheClients/), 'GroupId'] } });
    // Only the service that asked carries the cache clients' group.
    const carriers = Object.entries(t.findResources('AWS::ECS::Service'))
      .filter(([, r]: [string, any]) => JSON.stringify(r.Properties.NetworkConfiguration).includes('AppCacheClients')).map(([id]) => id);
    expect(carriers).toEqual([expect.stringMatching(/^AppItemsService/)]);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Valkey cache of'), SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })] });
  });

  test('Access control only via RBAC UserGroupId: a valkey user group of the disabled default user and the service\'s IAM user', () => {
    const cache = Object.values(t.findResources('AWS::ElastiCache::ServerlessCache'))[0] as any;
    expect(cache.Properties.UserGroupId).toEqual({ Ref: expect.stringMatching(/^AppCacheUsers/) });
    const group = Object.values(t.findResources('AWS::ElastiCache::UserGroup'))[0] as any;
    expect(group.Properties.Engine).toBe('valkey');
    expect(group.Properties.UserIds).toHaveLength(2);
    t.hasResourceProperties('AWS::ElastiCache::User', { UserName: 'default', AccessString: 'off -@all', Engine: 'valkey', AuthenticationMode: { Type: 'password', Passwords: Match.anyValue() } });
    const iamUser = Object.values(t.findResources('AWS::ElastiCache::User')).map((u: any) => u.Properties).find((p: any) => p.AuthenticationMode.Type === 'iam');
    // IAM authentication needs the user name to equal the user id.
    expect(iamUser.UserName).toBe(iamUser.UserId);
    expect(iamUser.UserId).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
    expect(iamUser.AccessString).toBe('on ~* -@all +@read +@write +@scripting +@connection -@dangerous');
    t.resourceCountIs('AWS::ElastiCache::User', 2);
  });

  test('the task role may connect to this cache as its own user, and nothing else of ElastiCache', () => {
    const policies = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('AppItemsTaskDefinitionTaskRole'));
    const statements = policies.flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement).filter((s: any) => JSON.stringify(s.Action).includes('elasticache'));
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: 'elasticache:Connect',
      Resource: [{ 'Fn::GetAtt': [expect.stringMatching(/^AppCache[0-9A-F]{8}$/), 'ARN'] }, { 'Fn::GetAtt': [expect.stringMatching(/^AppCacheUserItems/), 'Arn'] }],
    }]);
    const others = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('AppOtherTaskDefinitionTaskRole'));
    expect(JSON.stringify(others)).not.toContain('elasticache');
  });

  test('the asking service gets CACHE_* in its environment; the other does not', () => {
    expect(environmentOf(t, 'AppItemsTaskDefinition')).toMatchObject({
      CACHE_HOST: { 'Fn::GetAtt': [expect.stringMatching(/^AppCache/), 'Endpoint.Address'] },
      CACHE_PORT: '6379',
      CACHE_TLS: 'true',
      CACHE_AUTH: 'iam',
      CACHE_SERVERLESS: 'true',
      CACHE_NAME: { Ref: expect.stringMatching(/^AppCache/) },
      CACHE_USER: { Ref: expect.stringMatching(/^AppCacheUserItems/) },
    });
    expect(Object.keys(environmentOf(t, 'AppOtherTaskDefinition')).filter((k) => k.startsWith('CACHE_'))).toEqual([]);
  });

  test('memory, ECPU and evictions alarms go to the system topic, and the dashboard has a cache row', () => {
    expect(system.alarms.cache).toHaveLength(3);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'BytesUsedForCache', Namespace: 'AWS/ElastiCache', Threshold: 0.8 * 10 * 1024 ** 3 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ElastiCacheProcessingUnits', Statistic: 'Sum', Period: 60, Threshold: 0.8 * 100000 * 60 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Evictions',
      Dimensions: [{ Name: 'clusterId', Value: { Ref: Match.stringLikeRegexp('^AppCache') } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AppAlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^AppAlarmTopic') }],
    });
    const dashboard = Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0] as any;
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain('Cache (valkey serverless): bytes used');
  });

  test('the four rule packs find nothing', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('a node-based cache with password authentication', () => {
  const { stack } = virginiaApp({
    cache: { deployment: CacheDeployment.nodes({ replicas: 1 }), authentication: CacheAuthentication.PASSWORD, serviceAccessString: 'on ~items:* -@all +get +mget +set +del +eval' },
    services: [{ ...itemsService, cache: true }],
  });
  const t = Template.fromStack(stack);

  test('a replication group encrypted at rest and in transit (required), Multi-AZ with failover, RBAC users', () => {
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.0',
      CacheNodeType: 'cache.t4g.micro',
      NumNodeGroups: 1,
      ReplicasPerNodeGroup: 1,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      Port: 6379,
      UserGroupIds: [{ Ref: Match.stringLikeRegexp('^AppCacheUsers') }],
      CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('^AppCacheSubnets') },
    });
  });

  test('the service signs in as the shared user with the password ECS injects; its task role reads no secret', () => {
    expect(environmentOf(t, 'AppItemsTaskDefinition')).toMatchObject({ CACHE_AUTH: 'password', CACHE_USER: 'app', CACHE_SERVERLESS: 'false' });
    expect(secretsOf(t, 'AppItemsTaskDefinition')).toContain('CACHE_PASSWORD');
    t.hasResourceProperties('AWS::ElastiCache::User', { UserName: 'app', AccessString: 'on ~items:* -@all +get +mget +set +del +eval', AuthenticationMode: { Type: 'password', Passwords: Match.anyValue() } });
    const rules = ingressTo(t, 'AppCacheSecurityGroup');
    expect(rules.map((r: any) => [r.FromPort, r.ToPort])).toEqual([[6379, 6379]]);
    const taskPolicies = Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('AppItemsTaskDefinitionTaskRole'));
    expect(JSON.stringify(taskPolicies)).not.toMatch(/AppCacheServicePassword|elasticache:Connect/);
  });

  test('node metrics: memory %, engine CPU and evictions over both nodes, so a failover moves nothing out of sight', () => {
    const alarmOf = (id: string) => (Object.entries(t.findResources('AWS::CloudWatch::Alarm')).find(([k]) => k.startsWith(id))![1] as any).Properties;
    const memory = alarmOf('AppCacheCacheMemoryAlarm');
    expect(memory.Threshold).toBe(80);
    expect(memory.Metrics[0]).toMatchObject({ Expression: 'MAX([databaseMemoryUsagePercentage1, databaseMemoryUsagePercentage2])' });
    const nodes = memory.Metrics.slice(1).map((m: any) => m.MetricStat.Metric.Dimensions[0].Value['Fn::Join'][1][1]);
    expect(nodes).toEqual(['-001', '-002']);
    expect(alarmOf('AppCacheCacheLoadAlarm').Metrics[0].Expression).toBe('MAX([engineCPUUtilization1, engineCPUUtilization2])');
    expect(alarmOf('AppCacheCacheLoadAlarm').Metrics[1].MetricStat.Metric.MetricName).toBe('EngineCPUUtilization');
    expect(alarmOf('AppCacheCacheEvictionsAlarm').Metrics[0].Expression).toBe('SUM([evictions1, evictions2])');
  });

  test('the four rule packs find nothing (acknowledged: default port, no snapshots; unrotated password explained)', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

test('one node without replicas: no failover, acknowledged, still clean', () => {
  const { stack } = virginiaApp({ cache: { deployment: CacheDeployment.nodes({ replicas: 0 }) }, services: [{ ...itemsService, cache: true }] });
  Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { ReplicasPerNodeGroup: 0, AutomaticFailoverEnabled: false, MultiAZEnabled: false });
  expect(formatFindings(nagFindings(stack))).toBe('');
});

test('a service in a nested stack gets its user grant in its own stack; the cache admits the clients\' group in the system\'s', () => {
  const { stack, system } = virginiaApp({
    cache: {}, servicePlacement: ServicePlacement.NESTED_STACKS, services: [{ ...itemsService, cache: true }],
  });
  const nested = Template.fromStack(Stack.of(system.appTier.services[0]));
  Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    FromPort: 6379, ToPort: 6380, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppCacheClients'), 'GroupId'] },
  });
  nested.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'elasticache:Connect' })]) } });
  Template.fromStack(stack).resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
});

test('names are unique per stack name and within 40 characters, whatever the ids', () => {
  const names = (stackName: string, serviceId: string) => {
    const app = new App();
    const stack = new Stack(app, 'System', { stackName, env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cache = new ValkeyCache(stack, 'Cache', { vpc });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    cache.connect(serviceId, { connections: new ec2.Connections({ securityGroups: [new ec2.SecurityGroup(stack, 'Client', { vpc })] }), grantPrincipal: role });
    const t = Template.fromStack(stack);
    return [
      ...Object.values(t.findResources('AWS::ElastiCache::User')).map((u: any) => u.Properties.UserId),
      ...Object.values(t.findResources('AWS::ElastiCache::UserGroup')).map((g: any) => g.Properties.UserGroupId),
      ...Object.values(t.findResources('AWS::ElastiCache::ServerlessCache')).map((c: any) => c.Properties.ServerlessCacheName),
    ];
  };
  const dev = names('shop-dev', 'Items');
  const test2 = names('shop-test', 'Items');
  expect(dev).toHaveLength(4);
  for (const name of [...dev, ...names('shop-dev', 'AVeryLongServiceIdentifierThatGoesOnAndOnForeverMore')]) {
    expect(name).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
    expect(name).not.toMatch(/--|-$/);
  }
  // The same app deployed as two stacks in one account and Region: no name in common.
  expect(dev.filter((n) => test2.includes(n))).toEqual([]);
});

describe('ValkeyCache alone', () => {
  test('connect admits any IConnectable + IGrantable and returns what its container needs', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cache = new ValkeyCache(stack, 'Cache', { vpc });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const group = new ec2.SecurityGroup(stack, 'Client', { vpc });
    const client = { connections: new ec2.Connections({ securityGroups: [group] }), grantPrincipal: role };
    const connection = cache.connect('Worker', client);
    expect(Object.keys(connection.environment).sort()).toEqual(['CACHE_AUTH', 'CACHE_HOST', 'CACHE_NAME', 'CACHE_PORT', 'CACHE_SERVERLESS', 'CACHE_TLS', 'CACHE_USER']);
    expect(connection.secrets).toEqual({});
    Template.fromStack(stack).resourceCountIs('AWS::ElastiCache::User', 2);
  });

  test.each([
    [{ deployment: CacheDeployment.serverless({ maxDataStorageGb: 0 }) }, /Test\/Cache: maxDataStorageGb 0 is invalid: the data storage limit in GB must be a whole number from 1 to 5000/],
    [{ deployment: CacheDeployment.serverless({ maxEcpuPerSecond: 10 }) }, /maxEcpuPerSecond 10 is invalid/],
    [{ deployment: CacheDeployment.nodes({ replicas: 6 }) }, /replicas 6 is invalid: the replica count must be a whole number from 0 to 5/],
    [{ serviceAccessString: 'off ~* +@all' }, /serviceAccessString "off ~\* \+@all" is invalid: a user whose access string does not start with "on" is switched off/],
    [{ deployment: CacheDeployment.nodes({ nodeType: 't4g.micro' }) }, /nodeType "t4g.micro" is invalid: an ElastiCache node type looks like cache.<family>.<size>/],
  ])('%j is refused', (props, message) => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new ValkeyCache(stack, 'Cache', { vpc, ...props })).toThrow(message);
  });
});

test('a service asking for a cache the system does not have is refused; the handle says how to get one', () => {
  expect(() => virginiaApp({ services: [{ ...itemsService, cache: true }] }))
    .toThrow("System/App: service 'Items' cache true is invalid: the system has no cache for the service to reach. Give the ThreeTierApp cache (e.g. cache: {}), or remove cache from the service.");
  const { system } = virginiaApp();
  expect(() => system.cache).toThrow(/System\/App: cache undefined is invalid: this system has no cache. Give cache/);
});

test('a service whose only grant is the cache\'s (no database access) still passes the rule packs', () => {
  const { stack } = virginiaApp({ cache: {}, services: [{ ...itemsService, cache: true, databaseAccess: DatabaseAccess.NONE }] });
  expect(formatFindings(nagFindings(stack))).toBe('');
});
