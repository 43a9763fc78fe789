import * as vm from 'vm';
import { App, RemovalPolicy, Stack, aws_certificatemanager as acm, aws_elasticloadbalancingv2 as elbv2, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { appVpc } from './fixtures';
import { ACCOUNT, SITE, image, itemsService, resourcesOf, seoulApp, virginiaApp, zone } from './three-tier-app.fixtures';
import { CloudFrontLogFormat, EdgeWebAcl, LogArchiveBucket, ThreeTierApp, ThreeTierEdgeStack, WebTier } from '../src';
import { SPA_REWRITE_CODE } from '../src/three-tier-app/web-tier';

describe('WebTier alone', () => {
  // In front of an internal load balancer of the test's own, with one path added to the API's.
  const alone = new Stack(new App(), 'Web', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const logArchive = new LogArchiveBucket(alone, 'Logs');
  const alb = new elbv2.ApplicationLoadBalancer(alone, 'Alb', { vpc: appVpc(alone), internetFacing: false });
  const web = new WebTier(alone, 'Web', { logArchive, apiLoadBalancer: alb });
  web.addApiPath('/app/*');
  const t = Template.fromStack(alone);
  const distribution = () => resourcesOf(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
  const archive = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => /^LogsBucket/.test(id))![0];
  const siteId = alone.getLogicalId(web.siteBucket.node.defaultChild as s3.CfnBucket);
  const site = t.findResources('AWS::S3::Bucket')[siteId];

  test('one distribution in front of a private site bucket (OAC), HTTPS only, behind a web ACL of its own in us-east-1', () => {
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    expect(site.DeletionPolicy).toBe('Retain');
    expect(site.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(distribution()).toEqual(expect.objectContaining({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: expect.objectContaining({ ViewerProtocolPolicy: 'redirect-to-https' }),
      Origins: expect.arrayContaining([expect.objectContaining({ DomainName: { 'Fn::GetAtt': [siteId, 'RegionalDomainName'] } })]),
    }));
    expect(web.webAcl).toBeDefined();
    t.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    expect(distribution().WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/WebAcl/), 'Arn'] });
    expect(alone.resolve(web.url)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/Distribution/), 'DomainName'] }]] });
  });

  test('CloudFront logs (v2, Parquet) and the site bucket\'s access logs go to the archive', () => {
    expect(distribution().Logging).toBeUndefined();
    expect(web.cloudFrontLogFormat).toBe(CloudFrontLogFormat.PARQUET);
    t.hasResourceProperties('AWS::Logs::DeliveryDestination', {
      DestinationResourceArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [archive, 'Arn'] }, `/cloudfront-parquet/${web.cloudFrontLogName}`]] },
    });
    expect(site.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: archive });
  });

  test('/api/* and added paths reach the load balancer through one VPC origin, which admits CloudFront only', () => {
    t.resourceCountIs('AWS::CloudFront::VpcOrigin', 1);
    expect(distribution().CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/api/*', '/app/*']);
    const [albSgId, albSg] = resourcesOf(t, 'AWS::EC2::SecurityGroup').find(([id]) => /^AlbSecurityGroup/.test(id))!;
    expect(albSg.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties).filter((r) => r.GroupId['Fn::GetAtt'][0] === albSgId);
    expect(ingress).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', FromPort: 80, ToPort: 80, SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/CloudFrontPrefixList/), 'PrefixLists.0.PrefixListId'] },
    })]);
  });
});

describe('CloudFront logs v2 of a system outside us-east-1', () => {
  test('a us-east-1 stack of its own, after the system, holds the delivery; the system keeps the archive, its policy and the table', () => {
    const { stack, system } = seoulApp();
    const assembly = (stack.node.root as App).synth();
    const logsStack = assembly.getStackByName(`${stack.node.id}CloudFrontLogs`);
    expect(logsStack.environment.region).toBe('us-east-1');
    expect(logsStack.dependencies.map((d) => d.id)).toContain(stack.artifactId);
    const logs = Template.fromJSON(logsStack.template);
    logs.resourceCountIs('AWS::Logs::DeliverySource', 1);
    logs.resourceCountIs('AWS::Logs::DeliveryDestination', 1);
    logs.hasResourceProperties('AWS::Logs::Delivery', { S3SuffixPath: '{yyyy}/{MM}/{dd}/{HH}', S3EnableHiveCompatiblePath: true });
    // The distribution id and the bucket arrive through CDK's cross-region reader, not as literals.
    expect(JSON.stringify(logs.toJSON())).toContain('Custom::CrossRegionExportReader');
    const seoul = Template.fromStack(stack);
    seoul.resourceCountIs('AWS::Logs::Delivery', 0);
    expect(JSON.stringify(seoul.findResources('AWS::S3::BucketPolicy'))).toContain(':logs:us-east-1:');
    expect(JSON.stringify(seoul.findResources('AWS::Glue::Table'))).toContain('cloudfront_logs_v2');
    expect(system.webTier.cloudFrontLogFormat).toBe(CloudFrontLogFormat.PARQUET);
  });

  test('legacy logging stays available: no extra stack, DistributionConfig.Logging set, the bucket on ACLs', () => {
    const { stack } = seoulApp({ cloudFrontLogFormat: CloudFrontLogFormat.LEGACY });
    const assembly = (stack.node.root as App).synth();
    expect(assembly.stacks.map((s) => s.stackName)).not.toContain(`${stack.node.id}CloudFrontLogs`);
    const t = Template.fromStack(stack);
    expect(JSON.stringify(t.findResources('AWS::CloudFront::Distribution'))).toContain('"Logging"');
    t.hasResourceProperties('AWS::S3::Bucket', { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } });
  });

  test('an env-agnostic system cannot reference its distribution from us-east-1: it keeps legacy logging and says so, or fails if v2 is asked for', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const app = new ThreeTierApp(stack, 'App', { services: [itemsService], wafEnabled: false });
    expect(app.webTier.cloudFrontLogFormat).toBe(CloudFrontLogFormat.LEGACY);
    Annotations.fromStack(stack).hasWarning('/Agnostic/App/Web', Match.stringLikeRegexp('no fixed Region, so CloudFront logs use legacy standard logging'));
    expect(() => new ThreeTierApp(new Stack(new App(), 'Agnostic'), 'App', { services: [itemsService], wafEnabled: false, cloudFrontLogFormat: CloudFrontLogFormat.PARQUET }))
      .toThrow(/no fixed Region.*CloudFrontLogFormat.LEGACY/);
  });

  test('two systems in one stack share one delivery stack; an archive in a logging stack of its own carries its bucket across too', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: 'ap-northeast-2' };
    const logging = new Stack(app, 'Logging', { env });
    const archive = new LogArchiveBucket(logging, 'Archive');
    const stack = new Stack(app, 'Systems', { env });
    new ThreeTierApp(stack, 'Shop', { services: [itemsService], wafEnabled: false, logArchive: archive.addSystem('shop') });
    new ThreeTierApp(stack, 'Blog', { services: [itemsService], wafEnabled: false, logArchive: archive.addSystem('blog') });
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Logging', 'Systems', 'SystemsCloudFrontLogs']);
    const logs = Template.fromJSON(assembly.getStackByName('SystemsCloudFrontLogs').template);
    logs.resourceCountIs('AWS::Logs::Delivery', 2);
    const destinations = JSON.stringify(logs.findResources('AWS::Logs::DeliveryDestination'));
    expect(destinations).toContain('/shop/cloudfront-parquet/shop');
    expect(destinations).toContain('/blog/cloudfront-parquet/blog');
    // The logging stack writes its bucket to us-east-1 for the delivery, with CDK's writer explained for scanners.
    const writer = Object.entries(Template.fromJSON(assembly.getStackByName('Logging').template).toJSON().Resources)
      .filter(([id]) => id.startsWith('CustomCrossRegionExportWriter'));
    expect(writer.length).toBeGreaterThan(0);
    expect(JSON.stringify(writer)).toContain('AwsSolutions-L1');
  });
});

describe('web tier of a ThreeTierApp', () => {
  // Read by several tests: a production system in us-east-1, and one in Seoul with its edge stack.
  const production = Template.fromStack(virginiaApp().stack);
  const inSeoul = seoulApp();

  test('AWS constraint: OAC bucket policy: the private site bucket is read by this distribution only', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    production.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    production.hasResourceProperties('AWS::S3::BucketPolicy', {
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
    const dist = resourcesOf(production, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
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
    production.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: { HTTPPort: 80, OriginProtocolPolicy: 'http-only', Arn: { Ref: Match.stringLikeRegexp('LoadBalancer') } },
    });
    const dist = resourcesOf(production, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
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
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const [lbSgId, lbSg] = resourcesOf(production, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('LoadBalancerSecurityGroup'))!;
    expect(lbSg.Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = resourcesOf(production, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties).filter((r) => r.GroupId['Fn::GetAtt'][0] === lbSgId);
    expect(ingress).toEqual([expect.objectContaining({
      FromPort: 80, ToPort: 80, IpProtocol: 'tcp', SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/CloudFrontPrefixList/), 'PrefixLists.0.PrefixListId'] },
    })]);
    production.hasResourceProperties('Custom::AWS', {
      Update: Match.serializedJson(Match.objectLike({
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }] },
      })),
    });
  });

  test('WAF web ACL: rate limit and AWS managed rule groups, attached to the distribution (us-east-1 stack)', () => {
    production.hasResourceProperties('AWS::WAFv2::WebACL', {
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
    production.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] } },
    });
  });

  test('AWS constraint: WAF log destination: a log group named aws-waf-logs-*, its ARN without the :* suffix, auth headers redacted', () => {
    const t = Template.fromStack(inSeoul.edge);
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
    const { stack, edge } = inSeoul;
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
