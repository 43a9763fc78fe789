import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings, nagFindings } from './helpers/nag';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';
import { CostProfile, DataStore, NatMode } from '../src';

// Developers reach the private database and cache through Session Manager port forwarding: an
// access host with no inbound rule, a managed policy for their role, every session start logged.

const statementsOf = (t: Template) => {
  const policy = Object.entries(t.findResources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('AppDeveloperAccessDevelopersPolicy'))![1] as any;
  return policy.Properties.PolicyDocument.Statement as any[];
};

describe('developer access to Aurora and the cache', () => {
  const { stack, system } = virginiaApp({ cache: {}, developerAccess: {}, services: [{ ...itemsService, cache: true }] });
  const t = Template.fromStack(stack);

  test('the access host has no inbound rule, IMDSv2 only, an encrypted root, no public IP, in the app subnets', () => {
    const host = Object.values(t.findResources('AWS::EC2::Instance')).find((i: any) => JSON.stringify(i.Properties.Tags).includes('DeveloperAccess')) as any;
    expect(host.Properties).toMatchObject({
      InstanceType: 't4g.nano',
      MetadataOptions: { HttpTokens: 'required' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' } }],
    });
    // CT.EC2.PR.8 wants AssociatePublicIpAddress false said on the network interface.
    const [networkInterface] = host.Properties.NetworkInterfaces;
    expect(networkInterface.AssociatePublicIpAddress).toBe(false);
    const appSubnets = system.network.vpc.selectSubnets(system.network.appSubnets).subnetIds.map((s) => stack.resolve(s));
    expect(appSubnets).toContainEqual(networkInterface.SubnetId);
    const group = Object.entries(t.findResources('AWS::EC2::SecurityGroup')).find(([id]) => id.startsWith('AppDeveloperAccessSecurityGroup'))![1] as any;
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    const ingressToHost = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r: any) => JSON.stringify(r.Properties.GroupId).includes('AppDeveloperAccessSecurityGroup'));
    expect(ingressToHost).toEqual([]);
  });

  test('the host reaches the database port and the cache ports, and the database and cache admit it', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppDataSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppDeveloperAccessSecurityGroup'), 'GroupId'] },
      FromPort: 5432,
      ToPort: 5432,
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppCacheSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppDeveloperAccessSecurityGroup'), 'GroupId'] },
      FromPort: 6379,
      ToPort: 6380,
    });
  });

  test('the host role has only the Session Manager agent actions', () => {
    const policy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('AppDeveloperAccessRoleDefaultPolicy'))![1] as any;
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action));
    expect(actions.every((a: string) => /^(ssm:UpdateInstanceInformation|ssmmessages:|ec2messages:)/.test(a))).toBe(true);
    t.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.arrayWith([Match.stringLikeRegexp('AmazonSSMManagedInstanceCore')]) }, 0);
  });

  test('developers may start port-forwarding sessions to the host only, end their own, and sign in as the developer users', () => {
    const statements = statementsOf(t);
    expect(statements.map((s) => s.Sid)).toEqual(['PortForwardingToTheAccessHostOnly', 'OwnSessionsOnly', 'DatabaseAsDeveloperUser', 'CacheAsDeveloperUser']);
    const [start, own, db, cache] = statements;
    expect(start.Action).toBe('ssm:StartSession');
    expect(JSON.stringify(start.Resource)).toContain(':document/AWS-StartPortForwardingSessionToRemoteHost');
    expect(JSON.stringify(start.Resource)).toMatch(/:instance\/".*AppDeveloperAccessHost/);
    expect(start.Condition).toEqual({ BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } });
    expect(own.Action).toEqual(['ssm:TerminateSession', 'ssm:ResumeSession']);
    expect(JSON.stringify(own.Resource)).toContain(':session/${aws:userid}-*');
    expect(db.Action).toBe('rds-db:connect');
    expect(JSON.stringify(db.Resource)).toMatch(/dbuser:".*DBClusterResourceId.*"\/developer"/);
    expect(cache.Action).toBe('elasticache:Connect');
    expect(cache.Resource).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^AppCache[0-9A-F]{8}$/), 'ARN'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^AppCacheUserDevelopers/), 'Arn'] },
    ]);
    t.hasResourceProperties('AWS::ElastiCache::User', { AccessString: 'on ~* -@all +@read +@connection', AuthenticationMode: { Type: 'iam' } });
  });

  test('every session start to the host, and every refused attempt, is logged (CloudTrail through EventBridge); started ones go to the system topic', () => {
    const rules = Object.values(t.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.EventPattern?.source?.[0] === 'aws.ssm') as any[];
    const startSession = {
      eventSource: ['ssm.amazonaws.com'],
      eventName: ['StartSession'],
      requestParameters: { target: [{ Ref: expect.stringMatching(/^AppDeveloperAccessHost/) }] },
    };
    const [log, notice] = rules;
    expect(log.Properties.EventPattern).toEqual({ 'source': ['aws.ssm'], 'detail-type': ['AWS API Call via CloudTrail'], 'detail': startSession });
    // A log group target is the group's ARN without ':*' (with it, nothing arrives): built from its name.
    expect(log.Properties.Targets).toHaveLength(1);
    expect(JSON.stringify(log.Properties.Targets[0].Arn)).toMatch(/:log-group:",\{"Ref":"AppDeveloperAccessSessions[0-9A-F]{8}"\}\]\]\}$/);
    expect(notice.Properties.EventPattern.detail).toEqual({ ...startSession, errorCode: [{ exists: false }] });
    expect(JSON.stringify(notice.Properties.Targets[0].Arn)).toContain('AppAlarmTopic');
    t.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() }, DeletionPolicy: 'Retain' });
    // The document is a JSON string joined with the log group's ARN: only EventBridge (and log delivery) may write, to this group.
    const policy = Object.values(t.findResources('AWS::Logs::ResourcePolicy'))[0] as any;
    const document = JSON.stringify(policy.Properties.PolicyDocument);
    expect(document).toContain('events.amazonaws.com');
    expect(document).toContain('logs:PutLogEvents');
    expect(policy.Properties.PolicyDocument['Fn::Join'][1][1]).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AppDeveloperAccessSessions/), 'Arn'] });
    // And into the archive, like every log group of the system.
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: { Ref: Match.stringLikeRegexp('^AppDeveloperAccessSessions') } });
  });

  test('the handle; the four rule packs find nothing', () => {
    expect(system.developerAccess.databaseUser).toBe('developer');
    expect(stack.resolve(system.developerAccess.cacheUser.ref)).toEqual({ Ref: expect.stringMatching(/^AppCacheUserDevelopers/) });
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

test('without NAT the host gets the Session Manager endpoints; with DynamoDB it reaches no database', () => {
  const { stack, system } = virginiaApp({
    natMode: NatMode.none(), database: DataStore.dynamoDb(), developerAccess: {}, profile: CostProfile.development(),
  });
  const t = Template.fromStack(stack);
  for (const service of ['ssm', 'ssmmessages', 'ec2messages']) {
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: `com.amazonaws.us-east-1.${service}` });
  }
  expect(statementsOf(t).map((s) => s.Sid)).toEqual(['PortForwardingToTheAccessHostOnly', 'OwnSessionsOnly']);
  expect(() => system.developerAccess.cacheUser).toThrow(/developers have no cache user: the system has no cache/);
  expect(formatFindings(nagFindings(stack))).toBe('');
});

test('a database user Aurora would refuse is refused; the handle says how to get access', () => {
  expect(() => virginiaApp({ developerAccess: { databaseUser: 'dev-1' } })).toThrow(/databaseUser "dev-1" is invalid/);
  expect(() => virginiaApp().system.developerAccess).toThrow(/System\/App: developerAccess undefined is invalid: this system has no developer access/);
});
