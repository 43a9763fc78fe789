import { App, RemovalPolicy, Stack, aws_secretsmanager as sm } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings, nagFindings } from './helpers/nag';
import { ACCOUNT, image, itemsService, resourcesOf, virginiaApp } from './three-tier-app.fixtures';
import { CostProfile, DataStore, LogArchiveBucket, NatMode, ThreeTierApp } from '../src';

// What a ThreeTierApp does across its tiers: one log archive, auth, the dashboard and alarms, cost
// profiles, ids. Each tier's own tests, alone and in a system, are in <tier>.test.ts.

// A production system in us-east-1 with the items service: several describes below read it.
const production = Template.fromStack(virginiaApp().stack);

describe('log archive', () => {
  test('ALB, CloudFront, VPC flow and S3 access logs land in the one archive', () => {
    const archive = resourcesOf(production, 'AWS::S3::Bucket').find(([id]) => /LogArchiveBucket/.test(id))![0];
    const accessLogs = resourcesOf(production, 'AWS::S3::Bucket').find(([id]) => /LogArchiveAccessLogsBucket/.test(id))![0];
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: archive } },
      ]),
    });
    // CloudFront logs v2 (Parquet) into the archive; in us-east-1 the delivery sits beside the distribution.
    production.hasResourceProperties('AWS::Logs::DeliveryDestination', {
      OutputFormat: 'parquet', DestinationResourceArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [archive, 'Arn'] }, Match.stringLikeRegexp('^/cloudfront-parquet/')]] },
    });
    production.hasResourceProperties('AWS::EC2::FlowLog', { LogDestination: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [archive, 'Arn'] }])]) }) });
    production.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: accessLogs }, LogFilePrefix: Match.anyValue() } });
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
    production.resourceCountIs('AWS::Cognito::UserPool', 0);
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
    production.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HTTPCode_ELB_5XX_Count', Threshold: 10, OKActions: Match.anyValue() });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ACUUtilization', Threshold: 90, EvaluationPeriods: 3 });
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
    production.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
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
    production.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
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
  // Read by the first three tests.
  const built = build();

  test('each system logs CloudFront under its own folder, named after the system', () => {
    const { shop, blog, template } = built;
    expect([shop.webTier.cloudFrontLogName, blog.webTier.cloudFrontLogName]).toEqual(['shop', 'blog']);
    const prefixes = Object.values<any>(template.findResources('AWS::Logs::DeliveryDestination'))
      .map((d) => d.Properties.DestinationResourceArn['Fn::Join'][1][1]).sort();
    expect(prefixes).toEqual(['/cloudfront-parquet/blog', '/cloudfront-parquet/shop']);
  });

  test('both stay queryable: a saved query per system filters on its partition', () => {
    const { template } = built;
    for (const name of ['shop', 'blog']) {
      template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: `cloudfront-${name}-top-errors`, QueryString: Match.stringLikeRegexp(`distribution = '${name}'`),
      });
    }
  });

  test('the two systems pass the rule packs together', () => {
    expect(formatFindings(nagFindings(built.stack))).toEqual('');
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
