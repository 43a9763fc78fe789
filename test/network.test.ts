import { App, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { ACCOUNT, itemsService, resourcesOf, seoulApp } from './three-tier-app.fixtures';
import { CostProfile, LogArchiveBucket, NatMode, Network, ThreeTierApp } from '../src';

/** The `aws-cdk:subnet-name` tag of each subnet, sorted. */
function subnetNames(t: Template, subnetType?: string): string[] {
  const tag = (r: any, key: string) => r.Properties.Tags.find((x: any) => x.Key === key)?.Value;
  return resourcesOf(t, 'AWS::EC2::Subnet').map(([, r]) => r)
    .filter((r) => subnetType === undefined || tag(r, 'aws-cdk:subnet-type') === subnetType)
    .map((r) => tag(r, 'aws-cdk:subnet-name')).sort();
}

describe('Network alone', () => {
  // The defaults with an archive: read by the first two tests.
  const archived = newStack();
  const logArchive = new LogArchiveBucket(archived, 'Logs');
  const network = new Network(archived, 'Net', { logArchive });
  const t = Template.fromStack(archived);

  test('defaults: public, app and data subnets over 2 AZs, one NAT gateway, gateway endpoints for S3 and DynamoDB, no interface endpoint', () => {
    expect(subnetNames(t)).toEqual(['App', 'App', 'Data', 'Data', 'Public', 'Public']);
    expect(subnetNames(t, 'Private')).toEqual(['App', 'App']);
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(resourcesOf(t, 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties.VpcEndpointType)).toEqual(['Gateway', 'Gateway']);
    expect(network.egress).toBe(true);
    expect(network.interfaceEndpoints).toEqual({});
  });

  test('flow logs of all the VPC\'s traffic go to the given archive', () => {
    expect(network.flowLog).toBeDefined();
    const archive = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => /^LogsBucket/.test(id))![0];
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
    t.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 's3',
      LogDestination: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [archive, 'Arn'] }])]) }),
    });
  });

  test('without an archive there is no flow log', () => {
    const bare = newStack();
    const net = new Network(bare, 'Net');
    expect(net.flowLog).toBeUndefined();
    Template.fromStack(bare).resourceCountIs('AWS::EC2::FlowLog', 0);
  });

  test('NatMode.none(): isolated app subnets and interface endpoints that admit, on 443, only the clients given to allowEndpointsFrom', () => {
    const isolated = newStack();
    const net = new Network(isolated, 'Net', { natMode: NatMode.none() });
    const client = new ec2.SecurityGroup(isolated, 'Client', { vpc: net.vpc });
    net.allowEndpointsFrom(client);
    // An endpoint added after the client admits it too.
    net.addInterfaceEndpoint('Sqs', ec2.InterfaceVpcEndpointAwsService.SQS);
    const isolatedTemplate = Template.fromStack(isolated);
    expect(net.egress).toBe(false);
    isolatedTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    expect(subnetNames(isolatedTemplate, 'Isolated')).toEqual(['App', 'App', 'Data', 'Data']);
    expect(Object.keys(net.interfaceEndpoints).sort()).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'sqs', 'ssm']);
    const clientId = isolated.getLogicalId(client.node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = resourcesOf(isolatedTemplate, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((r) => r.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] === clientId);
    expect(ingress).toHaveLength(6);
    for (const rule of ingress) expect(rule).toEqual(expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }));
  });

  test('fails when natMode is given with a vpc', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Mine');
    expect(() => new Network(stack, 'Net', { vpc, natMode: NatMode.none() })).toThrow(/^S\/Net: natMode "NatMode\.none\(\)" is invalid: natMode shapes a new VPC, and vpc is given, so it would be ignored\. Remove natMode/);
  });
});

describe('network of a ThreeTierApp', () => {
  // Read by several tests: the production profile, and the same without NAT.
  const production = Template.fromStack(seoulApp().stack);
  const withoutNat = Template.fromStack(seoulApp({ natMode: NatMode.none() }).stack);

  test('public, app and data subnets over 2 AZs by default (development)', () => {
    const { stack } = seoulApp({ profile: CostProfile.development() });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::Subnet', 6);
    const names = resourcesOf(t, 'AWS::EC2::Subnet').map(([, r]) => r.Properties.Tags.find((x: any) => x.Key === 'aws-cdk:subnet-name').Value);
    expect(names.sort()).toEqual(['App', 'App', 'Data', 'Data', 'Public', 'Public']);
  });

  test('production profile spans 3 AZs with a NAT gateway per AZ', () => {
    production.resourceCountIs('AWS::EC2::Subnet', 9);
    production.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('NatMode.instance: one t4g.nano NAT instance, source/dest check off, IMDSv2 required, encrypted root volume', () => {
    const t = Template.fromStack(seoulApp({ natMode: NatMode.instance() }).stack);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::Instance', 1);
    t.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.nano',
      SourceDestCheck: false,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' } }],
      MetadataOptions: { HttpTokens: 'required' },
    });
    // One unnamed launch template says IMDSv2 too, where cdk-nag 2 and other scanners look for it.
    // (CDK's IMDSv2 aspect would name it, and two stacks would clash.)
    t.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
    const [[ltId, lt]] = resourcesOf(t, 'AWS::EC2::LaunchTemplate');
    expect(lt.Properties.LaunchTemplateName).toBeUndefined();
    expect(lt.Properties.LaunchTemplateData).toEqual({ MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } });
    t.hasResourceProperties('AWS::EC2::Instance', { LaunchTemplate: { LaunchTemplateId: { Ref: ltId }, Version: { 'Fn::GetAtt': [ltId, 'LatestVersionNumber'] } } });
    const userData = JSON.stringify(resourcesOf(t, 'AWS::EC2::Instance')[0][1].Properties.UserData);
    expect(userData).toMatch(/for attempt in .* do yum install iptables-services -y && break/);
    expect(userData).toContain('MASQUERADE');
    // Nothing outside the VPC may open a connection to the NAT instance.
    const natSg = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('NatSecurityGroup'))![1];
    expect(natSg.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ IpProtocol: '-1', CidrIp: { 'Fn::GetAtt': [expect.any(String), 'CidrBlock'] } })]);
  });

  test('AWS constraint: endpoints present when NAT is none: no NAT, isolated app subnets, and interface endpoints for ECR, logs, Secrets Manager and SSM', () => {
    withoutNat.resourceCountIs('AWS::EC2::NatGateway', 0);
    withoutNat.resourceCountIs('AWS::EC2::Instance', 0);
    const services = resourcesOf(withoutNat, 'AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName));
    for (const name of ['ecr.api', 'ecr.dkr', '.logs', 'secretsmanager', '.ssm', '.s3', '.dynamodb']) {
      expect(services.some((s) => s.includes(name))).toBe(true);
    }
  });

  test('interface endpoints admit only the services on 443, not the whole VPC', () => {
    const endpointSgs = resourcesOf(withoutNat, 'AWS::EC2::SecurityGroup').filter(([id]) => id.includes('Endpoint'));
    expect(endpointSgs.length).toBe(5);
    for (const [, sg] of endpointSgs) expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOf(withoutNat, 'AWS::EC2::SecurityGroupIngress').filter(([id]) => id.includes('Endpoint'));
    expect(ingress.length).toBe(5);
    for (const [, rule] of ingress) {
      expect(rule.Properties).toEqual(expect.objectContaining({ FromPort: 443, ToPort: 443, SourceSecurityGroupId: expect.anything() }));
    }
  });

  test('without NAT, Prometheus and ECS Exec add their endpoints', () => {
    const t = Template.fromStack(seoulApp({
      natMode: NatMode.none(),
      services: [{ ...itemsService, prometheus: {}, enableExecuteCommand: true }],
    }).stack);
    const services = JSON.stringify(resourcesOf(t, 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties.ServiceName));
    expect(services).toContain('aps-workspaces');
    expect(services).toContain('ssmmessages');
    expect(services).toContain('.kms"'); // the audited session channel is KMS-encrypted
  });

  test('gateway endpoints for S3 and DynamoDB with NAT too', () => {
    const gateways = resourcesOf(production, 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    expect(gateways.length).toBe(2);
  });

  test('VPC flow logs go to the archive', () => {
    production.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', ResourceType: 'VPC' });
  });

  test('a given VPC without NAT gets a warning that it needs the endpoints', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Mine', {
      natGateways: 0,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    new ThreeTierApp(stack, 'App', { vpc, services: [itemsService] });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
    expect(warnings.join('\n')).toMatch(/needs interface endpoints for ECR/);
  });

  test('uses a given VPC and its subnets', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Mine', { maxAzs: 2 });
    new ThreeTierApp(stack, 'App', { vpc, services: [itemsService] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.hasResourceProperties('AWS::EC2::VPC', { Tags: Match.arrayWith([{ Key: 'Name', Value: 'S/Mine' }]) });
  });

  test('fails when maxAzs is not 2 or 3', () => {
    expect(() => seoulApp({ maxAzs: 1 })).toThrow(/^System\/App\/Network: maxAzs \d is invalid: a system spans 2 or 3 Availability Zones/);
    expect(() => seoulApp({ maxAzs: 4 })).toThrow(/^System\/App\/Network: maxAzs \d is invalid: a system spans 2 or 3 Availability Zones/);
  });
});
