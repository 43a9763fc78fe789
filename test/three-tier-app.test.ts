import * as path from 'path';
import * as vm from 'vm';
import { App, Duration, RemovalPolicy, Stack, aws_certificatemanager as acm, aws_dynamodb as dynamodb, aws_ecs as ecs, aws_ec2 as ec2, aws_kms as kms, aws_rds as rds, aws_secretsmanager as sm } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { nagFindings } from './helpers/nag';
import { ACCOUNT, image, itemsService, seoulApp, virginiaApp, zone } from './three-tier-app.fixtures';
import {
  CostProfile, DataStore, DataTier, DatabaseAccess, EdgeWebAcl, LogArchiveBucket, NatMode, Network, ServicePlacement, ThreeTierApp,
  ThreeTierEdgeStack, WebTier,
} from '../src';
import { SPA_REWRITE_CODE } from '../src/three-tier-app/web-tier';

const SITE = path.join(__dirname, '..', 'examples', 'three-tier', 'site');

function resourcesOf(t: Template, type: string): Array<[string, any]> {
  return Object.entries(t.findResources(type));
}

describe('network', () => {
  test('public, app and data subnets over 2 AZs by default (development)', () => {
    const { stack } = seoulApp({ profile: CostProfile.development() });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::Subnet', 6);
    const names = resourcesOf(t, 'AWS::EC2::Subnet').map(([, r]) => r.Properties.Tags.find((x: any) => x.Key === 'aws-cdk:subnet-name').Value);
    expect(names.sort()).toEqual(['App', 'App', 'Data', 'Data', 'Public', 'Public']);
  });

  test('production profile spans 3 AZs with a NAT gateway per AZ', () => {
    const t = Template.fromStack(seoulApp().stack);
    t.resourceCountIs('AWS::EC2::Subnet', 9);
    t.resourceCountIs('AWS::EC2::NatGateway', 3);
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
    const t = Template.fromStack(seoulApp({ natMode: NatMode.none() }).stack);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::Instance', 0);
    const services = resourcesOf(t, 'AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName));
    for (const name of ['ecr.api', 'ecr.dkr', '.logs', 'secretsmanager', '.ssm', '.s3', '.dynamodb']) {
      expect(services.some((s) => s.includes(name))).toBe(true);
    }
  });

  test('interface endpoints admit only the services on 443, not the whole VPC', () => {
    const t = Template.fromStack(seoulApp({ natMode: NatMode.none() }).stack);
    const endpointSgs = resourcesOf(t, 'AWS::EC2::SecurityGroup').filter(([id]) => id.includes('Endpoint'));
    expect(endpointSgs.length).toBe(5);
    for (const [, sg] of endpointSgs) expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').filter(([id]) => id.includes('Endpoint'));
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
  });

  test('gateway endpoints for S3 and DynamoDB with NAT too', () => {
    const t = Template.fromStack(seoulApp().stack);
    const gateways = resourcesOf(t, 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    expect(gateways.length).toBe(2);
  });

  test('VPC flow logs go to the archive', () => {
    const t = Template.fromStack(seoulApp().stack);
    t.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', ResourceType: 'VPC' });
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

  test('fails when natMode is given with a vpc', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Mine');
    expect(() => new Network(stack, 'Net', { vpc, natMode: NatMode.none() })).toThrow(/^S\/Net: natMode "NatMode\.none\(\)" is invalid: natMode shapes a new VPC, and vpc is given, so it would be ignored\. Remove natMode/);
  });
});

describe('web tier', () => {
  test('AWS constraint: OAC bucket policy: the private site bucket is read by this distribution only', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:GetObject',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
        })]),
      },
    });
  });

  test('SPA fallback rewrites client-side routes to /index.html and keeps files', () => {
    const run = (uri: string) => {
      const context = vm.createContext({});
      vm.runInContext(`${SPA_REWRITE_CODE}; result = handler({ request: { uri: ${JSON.stringify(uri)} } });`, context);
      return (context as any).result.uri;
    };
    expect(run('/')).toBe('/index.html');
    expect(run('/items/42')).toBe('/index.html');
    expect(run('/assets/app.3f2a.js')).toBe('/assets/app.3f2a.js');
    expect(run('/favicon.ico')).toBe('/favicon.ico');
  });

  test('SPA fallback runs on the site behaviour only; API errors are never rewritten', () => {
    const t = Template.fromStack(virginiaApp().stack);
    const dist = resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    expect(dist.CustomErrorResponses).toBeUndefined();
    expect(dist.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    expect(dist.CacheBehaviors[0].FunctionAssociations).toBeUndefined();
  });

  test('security headers: HSTS, CSP, nosniff, frame DENY, referrer policy', () => {
    const t = Template.fromStack(virginiaApp({ contentSecurityPolicy: "default-src 'self'" }).stack);
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true }),
          ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
        },
      },
    });
  });

  test('/api/* reaches the load balancer through a CloudFront VPC origin, uncached, every method', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: { HTTPPort: 80, OriginProtocolPolicy: 'http-only', Arn: { Ref: Match.stringLikeRegexp('LoadBalancer') } },
    });
    const dist = resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    const api = dist.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api).toEqual(expect.objectContaining({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      ViewerProtocolPolicy: 'https-only',
    }));
    expect(dist.Origins.find((o: any) => o.VpcOriginConfig)).toBeDefined();
  });

  test('the API path pattern is configurable; a service outside it is still routed', () => {
    const t = Template.fromStack(virginiaApp({ apiPathPattern: '/v1/*' }).stack);
    const dist = resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    // The fixture's items service listens on /api/items*, outside /v1/*.
    expect(dist.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/v1/*', '/api/items', '/api/items/*']);
    expect(() => virginiaApp({ apiPathPattern: 'api/*' })).toThrow(/apiPathPattern "api\/\*" is invalid: a CloudFront path pattern starts with '\/'.*Write it as '\/api\/\*'/);
  });

  test('each service path outside /api/* gets a CloudFront behaviour to the same VPC origin, also for services added later', () => {
    const { stack, system } = virginiaApp({
      services: [
        { id: 'Front', image, containerPort: 8080, user: '101:101', pathPatterns: ['/app/*'] },
        { id: 'Api', image, containerPort: 8080, user: '101:101', pathPatterns: ['/api/*'] },
      ],
    });
    system.addService('Ai', { image, containerPort: 8080, user: '101:101', pathPatterns: ['/ai/*'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudFront::VpcOrigin', 1);
    const dist = resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    expect(dist.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/api/*', '/app/*', '/ai/*']);
    expect(dist.Origins).toHaveLength(2); // the site bucket and the load balancer
    const [api, ...others] = dist.CacheBehaviors;
    for (const behaviour of others) expect({ ...behaviour, PathPattern: api.PathPattern }).toEqual(api);
  });

  test('fails when a service path would take site paths from S3, naming the fix', () => {
    expect(() => virginiaApp({ services: [{ id: 'Assets', image, containerPort: 8080, user: '101:101', pathPatterns: ['/*.js'] }] }))
      .toThrow(/addApiPath "\/\*\.js" is invalid: this pattern would take site paths from S3.*Route the service under a fixed prefix/);
  });

  test('paths the API pattern covers, host-only services and the listener catch-all add no behaviour', () => {
    const t = Template.fromStack(virginiaApp({
      services: [
        itemsService,
        { id: 'Admin', image, containerPort: 8080, user: '101:101', hostHeaders: ['admin.example.com'] },
        { id: 'Fallback', image, containerPort: 8080, user: '101:101', pathPatterns: ['/*'] },
      ],
    }).stack);
    const dist = resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    expect(dist.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/api/*']);
  });

  test('WebTier.addApiPath: needs a load balancer, refuses patterns that would take site paths and more than 25 paths, ignores repeats', () => {
    const { system } = virginiaApp();
    for (const pattern of ['/*', '/', '/*.js', '/a*', '/*/x', '/?']) expect(() => system.webTier.addApiPath(pattern)).toThrow(/would take site paths from S3/);
    expect(() => system.webTier.addApiPath('v2/*')).toThrow(/addApiPath "v2\/\*" is invalid: a CloudFront path pattern starts with '\/'/);
    system.webTier.addApiPath('/v2/*');
    system.webTier.addApiPath('/v2/*');
    for (let i = 3; i <= 25; i++) system.webTier.addApiPath(`/v${i}/*`);
    expect(() => system.webTier.addApiPath('/v26/*')).toThrow(/25 cache behaviors/);
    const alone = new Stack(new App(), 'Web', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const web = new WebTier(alone, 'Web', { logArchive: new LogArchiveBucket(alone, 'Logs') });
    expect(() => web.addApiPath('/api/*')).toThrow(/addApiPath "\/api\/\*" is invalid: API paths go to the load balancer, and this web tier has none\. Give the web tier apiLoadBalancer/);
  });

  test('AWS constraint: ALB reachable only from CloudFront: internal, and its only ingress is the CloudFront prefix list on 80', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const [lbSgId, lbSg] = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('LoadBalancerSecurityGroup'))!;
    expect(lbSg.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties).filter((r) => r.GroupId['Fn::GetAtt'][0] === lbSgId);
    expect(ingress).toEqual([expect.objectContaining({
      FromPort: 80, ToPort: 80, IpProtocol: 'tcp', SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/CloudFrontPrefixList/), 'PrefixLists.0.PrefixListId'] },
    })]);
    t.hasResourceProperties('Custom::AWS', {
      Update: Match.serializedJson(Match.objectLike({
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }] },
      })),
    });
  });

  test('WAF web ACL: rate limit and AWS managed rule groups, attached to the distribution (us-east-1 stack)', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'RateLimitPerIp', Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesSQLiRuleSet' } } }),
      ]),
    });
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] } },
    });
  });

  test('AWS constraint: WAF log destination: a log group named aws-waf-logs-*, its ARN without the :* suffix, auth headers redacted', () => {
    const t = Template.fromStack(seoulApp().edge);
    t.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain', Properties: { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), RetentionInDays: 365 },
    });
    const logging = resourcesOf(t, 'AWS::WAFv2::LoggingConfiguration')[0][1].Properties;
    expect(JSON.stringify(logging.LogDestinationConfigs)).not.toContain(':*');
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]);
  });

  test('the WAF log group can be destroyed with the edge stack (its fixed name blocks re-creation otherwise)', () => {
    const { edge } = seoulApp({}, { webAcl: { logRemovalPolicy: RemovalPolicy.DESTROY, rateLimitPer5Minutes: 500 } });
    const t = Template.fromStack(edge);
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') } });
    t.hasResourceProperties('AWS::WAFv2::WebACL', { Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 500 }) } })]) });
  });

  test('AWS constraint: CloudFront-scope WAF must be in us-east-1: the Seoul stack takes it from the edge stack', () => {
    const { stack, edge } = seoulApp();
    Template.fromStack(stack).resourceCountIs('AWS::WAFv2::WebACL', 0);
    Template.fromStack(edge).resourceCountIs('AWS::WAFv2::WebACL', 1);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Match.stringLikeRegexp('WebAcl')] } },
    });
  });

  test('fails in ap-northeast-2 without an edge stack, naming the fix', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'ap-northeast-2' } });
    expect(() => new ThreeTierApp(stack, 'App')).toThrow(/us-east-1 only.*ThreeTierEdgeStack/s);
  });

  test('fails when the stack is env-agnostic and WAF is on', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new ThreeTierApp(stack, 'App')).toThrow(/env-agnostic/);
  });

  test('AWS constraint: CloudFront-scope WAF must be in us-east-1: EdgeWebAcl and ThreeTierEdgeStack fail elsewhere', () => {
    const app = new App();
    const seoul = new Stack(app, 'Seoul', { env: { region: 'ap-northeast-2' } });
    expect(() => new EdgeWebAcl(seoul, 'Acl')).toThrow(/only be created in us-east-1/);
    expect(() => new ThreeTierEdgeStack(app, 'Edge', { env: { region: 'eu-west-1' } })).toThrow(/^Edge: env.region "eu-west-1" is invalid: CloudFront accepts web ACLs and certificates from us-east-1 only/);
  });

  test('fails when the stack using the edge stack has no crossRegionReferences', () => {
    const app = new App();
    const edge = new ThreeTierEdgeStack(app, 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const stack = new Stack(app, 'System', { env: { account: ACCOUNT, region: 'ap-northeast-2' } });
    expect(() => new ThreeTierApp(stack, 'App', { edge })).toThrow(/^System\/App\/Web: webAcl "Edge\/WebAcl" is invalid: it is in us-east-1 and this stack is in ap-northeast-2.*Set crossRegionReferences: true on stack 'System'/);
  });

  test('wafEnabled: false builds without a web ACL anywhere', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'ap-northeast-2' } });
    new ThreeTierApp(stack, 'App', { wafEnabled: false });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(JSON.stringify(t.findResources('AWS::CloudFront::Distribution'))).not.toContain('WebACLId');
  });

  test('AWS constraint: certificate for CloudFront must be in us-east-1: fails with a certificate from ap-northeast-2', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'ap-northeast-2' } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', `arn:aws:acm:ap-northeast-2:${ACCOUNT}:certificate/abc`);
    expect(() => new ThreeTierApp(stack, 'App', { wafEnabled: false, domain: { domainName: 'www.example.com', hostedZone: zone(stack), certificate } }))
      .toThrow(/only accepts ACM certificates from us-east-1/);
  });

  test('fails with a domain and no certificate outside us-east-1', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'ap-northeast-2' } });
    expect(() => new ThreeTierApp(stack, 'App', { wafEnabled: false, domain: { domainName: 'www.example.com', hostedZone: zone(stack) } }))
      .toThrow(/domain.domainName "www.example.com" is invalid: CloudFront needs the domain's certificate from us-east-1/);
  });

  test('AWS constraint (cdk-nag CFR4): custom domain from the edge stack: certificate in us-east-1, alias A and AAAA records, TLSv1.2_2021', () => {
    const app = new App();
    const edgeZone = new Stack(app, 'Zones', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const hostedZone = zone(edgeZone);
    const { stack, edge } = seoulApp({}, { domain: { domainName: 'www.example.com', hostedZone } });
    Template.fromStack(edge).hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'www.example.com', ValidationMethod: 'DNS' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['www.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      },
    });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', Name: 'www.example.com.' });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'AAAA', Name: 'www.example.com.' });
  });

  test('a domain in a us-east-1 stack gets its certificate in place', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new ThreeTierApp(stack, 'App', { domain: { domainName: 'example.com', hostedZone: zone(stack) } });
    Template.fromStack(stack).hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'example.com' });
  });

  test('a local site folder is deployed to the bucket and invalidates the distribution', () => {
    const t = Template.fromStack(virginiaApp({ siteDirectory: SITE }).stack);
    t.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('SiteBucket') },
      DistributionPaths: ['/*'],
    });
  });
});

describe('log archive', () => {
  test('ALB, CloudFront, VPC flow and S3 access logs land in the one archive', () => {
    const t = Template.fromStack(virginiaApp().stack);
    const archive = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => /LogArchiveBucket/.test(id))![0];
    const accessLogs = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => /LogArchiveAccessLogsBucket/.test(id))![0];
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: archive } },
      ]),
    });
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { Logging: { Bucket: { 'Fn::GetAtt': [archive, 'RegionalDomainName'] }, Prefix: Match.anyValue() } },
    });
    t.hasResourceProperties('AWS::EC2::FlowLog', { LogDestination: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [archive, 'Arn'] }])]) }) });
    t.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: accessLogs }, LogFilePrefix: Match.anyValue() } });
  });
});

describe('app tier', () => {
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
    const t = Template.fromStack(virginiaApp().stack);
    const sgs = resourcesOf(t, 'AWS::EC2::SecurityGroup');
    const lbSg = sgs.find(([id]) => id.includes('LoadBalancerSecurityGroup'))![0];
    const taskSg = sgs.find(([id]) => /ItemsSecurityGroup/.test(id))![0];
    const dbSg = sgs.find(([id]) => /DataSecurityGroup/.test(id))![0];
    // Tasks admit the load balancer only; the database admits the tasks only, on 5432.
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [taskSg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [lbSg, 'GroupId'] }, FromPort: 8080,
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [dbSg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [taskSg, 'GroupId'] }, FromPort: 5432, ToPort: 5432,
    });
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress.filter((r) => JSON.stringify(r.GroupId).includes(dbSg))).toHaveLength(1);
    expect(ingress.filter((r) => JSON.stringify(r.GroupId).includes(taskSg))).toHaveLength(1);
    expect(sgs.find(([id]) => id === dbSg)![1].Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('database connection details and the RDS-managed secret are injected into the containers', () => {
    const t = Template.fromStack(virginiaApp().stack);
    const cluster = resourcesOf(t, 'AWS::RDS::DBCluster')[0][0];
    const container = resourcesOf(t, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
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
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { 'Fn::GetAtt': [cluster, 'MasterUserSecret.SecretArn'] },
        })]),
      },
    });
  });

  test('the task role may read the rotating master secret (and only that secret)', () => {
    const t = Template.fromStack(virginiaApp().stack);
    const cluster = resourcesOf(t, 'AWS::RDS::DBCluster')[0][0];
    const taskPolicy = resourcesOf(t, 'AWS::IAM::Policy').find(([id]) => /ItemsTaskDefinitionTaskRoleDefaultPolicy/.test(id))![1];
    expect(taskPolicy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { 'Fn::GetAtt': [cluster, 'MasterUserSecret.SecretArn'] },
    })]);
  });

  test('services start after the database (writer included) exists', () => {
    const t = Template.fromStack(virginiaApp().stack);
    const service = resourcesOf(t, 'AWS::ECS::Service')[0][1];
    const writer = resourcesOf(t, 'AWS::RDS::DBInstance').find(([id]) => /Writer/.test(id))![0];
    expect(service.DependsOn).toEqual(expect.arrayContaining([resourcesOf(t, 'AWS::RDS::DBCluster')[0][0], writer]));
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
  });

  test('ServicePlacement.NESTED_STACKS: each service in a nested stack with its own security group rules', () => {
    const { stack, system } = virginiaApp({ servicePlacement: ServicePlacement.NESTED_STACKS });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudFormation::Stack', 1);
    t.resourceCountIs('AWS::ECS::Service', 0);
    const nested = Template.fromStack(Stack.of(system.appTier.services[0]));
    nested.resourceCountIs('AWS::ECS::Service', 1);
    nested.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    // The database and load balancer rules live beside the service, so they exist before its tasks start.
    nested.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, GroupId: { Ref: Match.stringLikeRegexp('DataSecurityGroup') } });
    nested.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 8080, GroupId: { Ref: Match.stringLikeRegexp('LoadBalancerSecurityGroup') } });
    expect(JSON.stringify(t.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain('ItemsSecurityGroup');
  });

  test('database and endpoint rules raise no redundant-egress warning (the tasks allow all outbound)', () => {
    for (const placement of [ServicePlacement.SAME_STACK, ServicePlacement.NESTED_STACKS]) {
      const { stack, system } = virginiaApp({ natMode: NatMode.none(), servicePlacement: placement });
      const serviceStack = Stack.of(system.appTier.services[0]);
      // A nested stack's messages are reported with its parent's.
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Egress rule'));
      expect(warnings.map((w) => w.entry.data)).toEqual([]);
      // The rules are there all the same: the database port and HTTPS to each endpoint.
      const ingress = Template.fromStack(serviceStack).findResources('AWS::EC2::SecurityGroupIngress');
      expect(Object.values(ingress).filter((r: any) => r.Properties.FromPort === 443).length).toBeGreaterThanOrEqual(5);
      expect(Object.values(ingress).some((r: any) => r.Properties.FromPort === 5432)).toBe(true);
    }
  });

  test('ServicePlacement.NESTED_STACKS: 30 services keep the system stack far under 500 resources; SAME_STACK is refused at synth', () => {
    const services = Array.from({ length: 30 }, (_, i) => ({ id: `S${i}`, image, pathPatterns: [`/api/s${i}/*`] }));
    const nested = virginiaApp({ services, servicePlacement: ServicePlacement.NESTED_STACKS });
    const count = Object.keys(Template.fromStack(nested.stack).toJSON().Resources).length;
    expect(count).toBeLessThan(200);
    const same = virginiaApp({ services });
    expect(() => same.app.synth()).toThrow(/greater than allowed maximum of 500/);
    Annotations.fromStack(nested.stack).hasNoWarning('*', Match.stringLikeRegexp('More than 55 services'));
  });

  test('past 55 services, a warning about the security group rule quota (60 a direction by default)', () => {
    const { stack, system } = virginiaApp({ servicePlacement: ServicePlacement.NESTED_STACKS, services: [] });
    for (let i = 0; i < 56; i++) system.addService(`S${i}`, { image, pathPatterns: [`/api/s${i}/*`] });
    Annotations.fromStack(stack).hasWarning('/System/App/App', Match.stringLikeRegexp('More than 55 services.*Service Quotas'));
  });

  test('services send alarms to the system topic', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const topic = resourcesOf(t, 'AWS::SNS::Topic')[0][0];
    for (const [, alarm] of resourcesOf(t, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });
});

describe('data tier', () => {
  test('AWS constraint (manageMasterUserPassword, RDS6, RDS10): Aurora Serverless v2: RDS-managed master secret, IAM auth, encryption, backups, deletion protection, RETAIN', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        ManageMasterUserPassword: true,
        MasterUserPassword: Match.absent(),
        MasterUsername: 'app_admin',
        EnableIAMDatabaseAuthentication: true,
        StorageEncrypted: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 30,
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      }),
    });
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  test('production: one Serverless v2 reader that scales with the writer', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.resourceCountIs('AWS::RDS::DBInstance', 2);
    t.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 1, PubliclyAccessible: false });
  });

  test('AWS constraint: Aurora Serverless v2 min capacity 0: auto-pause after 5 minutes (development)', () => {
    const t = Template.fromStack(virginiaApp({ profile: CostProfile.development() }).stack);
    t.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300 },
      DeletionProtection: false,
      BackupRetentionPeriod: 7,
    });
    t.resourceCountIs('AWS::RDS::DBInstance', 1);
  });

  test('AWS constraint: Aurora Serverless v2 min capacity 0 needs a recent engine: fails on PostgreSQL 16.2 and MySQL 3.07', () => {
    const pg = DataStore.auroraPostgres({ minCapacity: 0, version: rds.AuroraPostgresEngineVersion.VER_16_2 });
    expect(() => virginiaApp({ database: pg })).toThrow(/needs aurora-postgresql 13.15, 14.12, 15.7, 16.3 or later.*16.2/);
    const mysql = DataStore.auroraMysql({ minCapacity: 0, version: rds.AuroraMysqlEngineVersion.VER_3_07_1 });
    expect(() => virginiaApp({ database: mysql })).toThrow(/needs aurora-mysql 3.08.0 or later/);
    const pg157 = DataStore.auroraPostgres({ minCapacity: 0, version: rds.AuroraPostgresEngineVersion.VER_15_7 });
    expect(() => virginiaApp({ database: pg157 })).not.toThrow();
    const mysql310 = DataStore.auroraMysql({ minCapacity: 0, version: rds.AuroraMysqlEngineVersion.VER_3_10_0 });
    expect(() => virginiaApp({ database: mysql310 })).not.toThrow();
    const pg17 = DataStore.auroraPostgres({ minCapacity: 0, version: rds.AuroraPostgresEngineVersion.VER_17_4 });
    expect(() => virginiaApp({ database: pg17 })).not.toThrow();
  });

  test('fails on invalid capacity, readers, backups or pause settings', () => {
    const bad = (o: object) => () => virginiaApp({ database: DataStore.auroraPostgres(o) });
    expect(bad({ minCapacity: 0.3 })).toThrow(/^System\/App\/Data: minCapacity 0.3 is invalid: Aurora Serverless v2 capacity is 0 to 256 ACUs in steps of 0.5/);
    expect(bad({ minCapacity: 8, maxCapacity: 4 })).toThrow(/maxCapacity 4 is invalid: the maximum capacity is below the minimum \(8 ACUs\)/);
    expect(bad({ readers: 16 })).toThrow(/readers 16 is invalid: an Aurora cluster has 0 to 15 readers/);
    expect(bad({ backupRetention: Duration.days(40) })).toThrow(/backupRetention 40 days is invalid: Aurora keeps automated backups 1 to 35 whole days/);
    expect(bad({ minCapacity: 0.5, autoPauseAfter: Duration.minutes(10) })).toThrow(/autoPauseAfter 10 minutes is invalid: it only applies when minCapacity is 0/);
    expect(bad({ minCapacity: 0, autoPauseAfter: Duration.minutes(1) })).toThrow(/autoPauseAfter 1 minute is invalid: Aurora pauses after 5 minutes to 1 day/);
    expect(bad({ databaseName: '1app' })).toThrow(/databaseName "1app" is invalid: an Aurora database name starts with a letter/);
  });

  test('Aurora MySQL listens on 3306 and exports its audit, error, general and slow query logs', () => {
    // The development profile (0 ACUs) works with the default MySQL version too.
    const t = Template.fromStack(virginiaApp({ database: DataStore.auroraMysql(), profile: CostProfile.development() }).stack);
    t.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-mysql', Port: 3306, EnableCloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery'] });
    const container = resourcesOf(t, 'AWS::ECS::TaskDefinition')[0][1].Properties.ContainerDefinitions[0];
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'DB_ENGINE', Value: 'mysql' }, { Name: 'DB_PORT', Value: '3306' }]));
  });

  test('a customer managed key encrypts the storage and the master secret', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const key = new kms.Key(stack, 'DbKey');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const data = new DataTier(stack, 'Data', { store: DataStore.auroraPostgres({ encryptionKey: key }), vpc });
    expect(data.aurora.masterSecret).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBCluster', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbKey'), 'Arn'] },
      MasterUserSecret: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbKey'), 'Arn'] } },
    });
  });

  test('AWS constraint: DynamoDB PITR: on-demand, point-in-time recovery, encryption, deletion protection, RETAIN', () => {
    const t = Template.fromStack(virginiaApp({ database: DataStore.dynamoDb({ sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING } }) }).stack);
    t.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        SSESpecification: { SSEEnabled: false },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
    });
  });

  test('DataTier alone: Aurora needs a VPC', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    expect(() => new DataTier(stack, 'Data', { store: DataStore.auroraPostgres() })).toThrow(/^S\/Data: vpc undefined is invalid: Aurora runs in a VPC/);
  });
});

describe('auth', () => {
  test('Cognito: email sign-in, MFA required (TOTP), strong passwords, retained; SPA client with SRP and no secret', () => {
    const { stack, system } = virginiaApp({ auth: {} });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
        DeletionProtection: 'ACTIVE',
      }),
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED',
    });
    expect(system.auth.userPoolClient).toBeDefined();
  });

  test('with auth, the default CSP lets the page call Cognito; a destroyed pool is not deletion-protected', () => {
    const t = Template.fromStack(virginiaApp({ auth: { removalPolicy: RemovalPolicy.DESTROY } }).stack);
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          ContentSecurityPolicy: {
            ContentSecurityPolicy: Match.stringLikeRegexp("connect-src 'self' https://cognito-idp.us-east-1.amazonaws.com;"), Override: true,
          },
        },
      },
    });
    t.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  test('no user pool unless auth is given', () => {
    Template.fromStack(virginiaApp().stack).resourceCountIs('AWS::Cognito::UserPool', 0);
  });
});

describe('observe', () => {
  test('one system dashboard across CloudFront (us-east-1), WAF, the load balancer, each service and the database', () => {
    const { stack } = virginiaApp({ services: [itemsService, { id: 'Ai', image, pathPatterns: ['/api/ai/*'] }] });
    const t = Template.fromStack(stack);
    // The services draw on it rather than on dashboards of their own ($3 a month and one resource each).
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(resourcesOf(t, 'AWS::CloudWatch::Dashboard').map(([, d]) => d.Properties.DashboardBody));
    expect(body).toMatch(/AWS\/CloudFront.*Region.*Global/);
    expect(body).toContain('\\"region\\":\\"us-east-1\\"');
    expect(body).toContain('AWS/WAFV2');
    expect(body).toMatch(/LoadBalancer5xxAlarm/);
    expect(body).toContain('## Items');
    expect(body).toContain('Items: Requests and errors');
    expect(body).toContain('Ai: Target response time');
    expect(body).toContain('Ai: Alarms');
    expect(body).toContain('ServerlessDatabaseCapacity');
    // System rows first, then each service's.
    expect(body.indexOf('Load balancer requests')).toBeLessThan(body.indexOf('## Items'));
  });

  test('a service added later gets its row on the system dashboard too', () => {
    const { stack, system } = virginiaApp();
    system.addService('Late', { image, pathPatterns: ['/api/late/*'] });
    const t = Template.fromStack(stack);
    const body = JSON.stringify(resourcesOf(t, 'AWS::CloudWatch::Dashboard').map(([, d]) => d.Properties.DashboardBody));
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(body).toContain('Items: Requests and errors');
    expect(body).toContain('Late: Requests and errors');
  });

  test('system alarms: load balancer 5xx and database saturation, ALARM and OK to the topic', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HTTPCode_ELB_5XX_Count', Threshold: 10, OKActions: Match.anyValue() });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ACUUtilization', Threshold: 90, EvaluationPeriods: 3 });
  });

  test('Slack webhook is subscribed once for the whole system', () => {
    const s2 = new Stack(new App(), 'S2', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const hook = sm.Secret.fromSecretNameV2(s2, 'Hook', 'slack-webhook');
    new ThreeTierApp(s2, 'App', { slackWebhookSecret: hook, services: [itemsService, { id: 'Ai', image, pathPatterns: ['/api/ai/*'] }] });
    const t = Template.fromStack(s2);
    t.resourceCountIs('AWS::SNS::Subscription', 1);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
  });
});

describe('cost profiles', () => {
  test('development: 0.25 vCPU / 512 MiB tasks for a service that sets no size; one that sets either keeps its own pair', () => {
    const { stack, system } = virginiaApp({ profile: CostProfile.development() });
    system.addService('Big', { image, pathPatterns: ['/api/big/*'], memoryLimitMiB: 4096 });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: Match.stringLikeRegexp('Items'), Cpu: '256', Memory: '512' });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: Match.stringLikeRegexp('Big'), Cpu: '512', Memory: '4096' });
  });

  test('an option given as undefined keeps the profile default', () => {
    const { stack } = virginiaApp({ profile: CostProfile.development(), services: [{ ...itemsService, cpu: undefined, minTasks: undefined }] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1 });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('production: tasks keep the service default of 0.5 vCPU / 1 GB', () => {
    Template.fromStack(virginiaApp().stack).hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
  });

  test('development: NAT instance, 2 AZs, 1-4 tasks with Spot after the first, no deletion protection on the ALB', () => {
    const t = Template.fromStack(virginiaApp({ profile: CostProfile.development() }).stack);
    t.resourceCountIs('AWS::EC2::Instance', 1);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    t.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 0 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 10 }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
  });

  test('production: 2-10 on-demand tasks and deletion protection on the ALB', () => {
    const t = Template.fromStack(virginiaApp().stack);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test('every profile value can be overridden', () => {
    const t = Template.fromStack(virginiaApp({
      profile: CostProfile.development(),
      natMode: NatMode.singleGateway(),
      maxAzs: 3,
      database: DataStore.auroraPostgres({ minCapacity: 1, maxCapacity: 8, deletionProtection: true, readers: 1 }),
      services: [{ ...itemsService, minTasks: 3, maxTasks: 6, spotShare: 0 }],
    }).stack);
    t.resourceCountIs('AWS::EC2::Instance', 0);
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.resourceCountIs('AWS::EC2::Subnet', 9);
    t.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 8 }, DeletionProtection: true });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 6 });
  });
});

describe('stateful resources', () => {
  // A change here replaces a user's data on upgrade. Never update these ids casually.
  test('logical IDs of the database, table, user pool and buckets are pinned', () => {
    const ids = (t: Template, type: string) => Object.keys(t.findResources(type)).sort();
    const aurora = Template.fromStack(virginiaApp({ auth: {} }).stack);
    expect(ids(aurora, 'AWS::RDS::DBCluster')).toEqual(['AppDataCluster98760105']);
    expect(ids(aurora, 'AWS::Cognito::UserPool')).toEqual(['AppAuthUserPool8D321A1B']);
    expect(ids(aurora, 'AWS::S3::Bucket')).toEqual([
      'AppLogArchiveAccessLogsBucketF38DF02D', 'AppLogArchiveBucketEFF55DCF', 'AppLogArchiveQueryResultsBucketC8F4A9CF', 'AppWebSiteBucketD7AC97B7',
    ]);
    const dynamo = Template.fromStack(virginiaApp({ database: DataStore.dynamoDb() }).stack);
    expect(ids(dynamo, 'AWS::DynamoDB::GlobalTable')).toEqual(['AppDataTable5EF372E2']);
  });
});

describe('service ids', () => {
  test('fails on an empty service id, naming the prop, the value and the fix', () => {
    expect(() => virginiaApp({ services: [{ ...itemsService, id: '' }] }))
      .toThrow(/^System\/App\/App: service id "" is invalid: a service needs a non-empty id.*Give it an id such as 'Items'/);
    expect(() => virginiaApp({ services: [{ ...itemsService, id: '  ' }] })).toThrow(/service id "  " is invalid/);
  });

  test('fails on a duplicate service id, naming it, not with CDK\'s generic construct-id clash', () => {
    expect(() => virginiaApp({ services: [itemsService, { ...itemsService, pathPatterns: ['/other/*'] }] }))
      .toThrow(/^System\/App\/App: service id "Items" is invalid: another service of System\/App\/App already has it/);
  });

  test('an id with spaces and non-ASCII letters is valid', () => {
    expect(() => virginiaApp({ services: [{ ...itemsService, id: 'Items Lager 商品' }] })).not.toThrow();
  });
});

describe('two systems on one log archive', () => {
  const build = () => {
    const app = new App();
    const stack = new Stack(app, 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const logArchive = new LogArchiveBucket(stack, 'Logs');
    const shop = new ThreeTierApp(stack, 'Shop', { logArchive, services: [{ ...itemsService, id: 'Items' }] });
    const blog = new ThreeTierApp(stack, 'Blog', { logArchive, services: [{ ...itemsService, id: 'Posts' }] });
    return { stack, shop, blog, template: Template.fromStack(stack) };
  };

  test('each system logs CloudFront under its own folder, named after the system', () => {
    const { shop, blog, template } = build();
    expect([shop.webTier.cloudFrontLogName, blog.webTier.cloudFrontLogName]).toEqual(['shop', 'blog']);
    const prefixes = Object.values<any>(template.findResources('AWS::CloudFront::Distribution'))
      .map((d) => d.Properties.DistributionConfig.Logging.Prefix).sort();
    expect(prefixes).toEqual(['cloudfront/blog/', 'cloudfront/shop/']);
  });

  test('both stay queryable: a saved query per system filters on its partition', () => {
    const { template } = build();
    for (const name of ['shop', 'blog']) {
      template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: `cloudfront-${name}-top-errors`, QueryString: Match.stringLikeRegexp(`distribution = '${name}'`),
      });
    }
  });

  test('the two systems pass the rule packs together', () => {
    const { stack } = build();
    expect(nagFindings(stack).map((f) => `${f.rule} on ${f.resource}`)).toEqual([]);
  });

  test('a system whose path has no Latin letters still gets a valid, distinct log folder', () => {
    const stack = new Stack(new App(), 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const logArchive = new LogArchiveBucket(stack, 'Logs');
    const a = new ThreeTierApp(stack, '商店', { logArchive, services: [itemsService] });
    const b = new ThreeTierApp(stack, 'Bücher Laden', { logArchive, services: [itemsService] });
    expect(a.webTier.cloudFrontLogName).toMatch(/^system-[0-9a-f]{8}$/);
    expect(b.webTier.cloudFrontLogName).toBe('bucher-laden');
  });
});
