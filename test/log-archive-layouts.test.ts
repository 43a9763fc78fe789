import { App, Stack, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { itemsService } from './three-tier-app.fixtures';
import { CostProfile, LogArchiveBucket, LogArchiveEncryption, ThreeTierApp } from '../src';

// The three places a log archive lives in production: a logging stack of the same app, an account
// of its own, and one archive shared by several systems.

const LOGS = '111111111111';
const WORKLOAD = '222222222222';
const env = (account: string) => ({ account, region: 'us-east-1' });
const system = (stack: Stack, id: string, logArchive: ThreeTierApp['logArchive']) =>
  new ThreeTierApp(stack, id, { profile: CostProfile.development(), logArchive, services: [itemsService] });

/** Every `Fn::ImportValue` of a template, as strings. */
function imports(template: Template): string[] {
  return JSON.stringify(template.toJSON()).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
}

describe('an archive in a logging stack of the same app', () => {
  const app = new App();
  const logging = new Stack(app, 'Logging', { env: env(LOGS) });
  const archive = new LogArchiveBucket(logging, 'Archive');
  const workload = new Stack(app, 'Workload', { env: env(LOGS) });
  system(workload, 'Shop', archive);
  const assembly = app.synth(); // a cycle between the stacks would throw here
  const loggingTemplate = Template.fromJSON(assembly.getStackByName('Logging').template);
  const workloadTemplate = Template.fromJSON(assembly.getStackByName('Workload').template);

  test('the system stack depends on the logging stack, never the reverse', () => {
    expect(workload.dependencies).toContain(logging);
    expect(logging.dependencies).not.toContain(workload);
    expect(imports(loggingTemplate)).toEqual([]);
    expect(imports(workloadTemplate).length).toBeGreaterThan(0);
  });

  test('the sender-side resources live with the system: flow log and subscription filters', () => {
    workloadTemplate.resourceCountIs('AWS::EC2::FlowLog', 1);
    loggingTemplate.resourceCountIs('AWS::EC2::FlowLog', 0);
    workloadTemplate.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    loggingTemplate.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    // The Firehose stream stays with the archive.
    loggingTemplate.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
  });

  test('the archive lets in the site bucket\'s access logs by account, not by naming the bucket of the other stack', () => {
    loggingTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': LOGS } },
        })]),
      },
    });
  });

  test.each([
    ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'elbv2_logging_enabled_check'],
    ['AWS::CloudFront::Distribution', 'cloudfront_access_logs_enabled_check'],
  ])('a %s logging to the other stack says why Control Tower\'s %s cannot see it (Fn::ImportValue)', (type, rule) => {
    workloadTemplate.hasResource(type, { Metadata: { guard: { SuppressedRules: Match.arrayWith([rule]) } } });
  });

  test('in one stack, nothing is explained away: the rules see a reference', () => {
    const stack = new Stack(new App(), 'One', { env: env(LOGS) });
    system(stack, 'Shop', new LogArchiveBucket(stack, 'Archive'));
    const t = Template.fromStack(stack);
    const rules = JSON.stringify(Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).map((r: any) => r.Metadata?.guard));
    expect(rules).not.toContain('elbv2_logging_enabled_check');
  });
});

describe('an archive without a fixed Region', () => {
  test('the whole archive and a share both take ALB logs: ELB\'s writers are looked up once', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const archive = new LogArchiveBucket(stack, 'Archive');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    archive.addApplicationLoadBalancer(new elbv2.ApplicationLoadBalancer(stack, 'One', { vpc }));
    archive.addSystem('shop', { account: WORKLOAD }).addApplicationLoadBalancer(new elbv2.ApplicationLoadBalancer(stack, 'Two', { vpc }));
    const t = Template.fromStack(stack);
    expect(Object.keys(t.toJSON().Mappings ?? {})).toHaveLength(1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.prefix', Value: 'shop/alb' }]),
    });
  });
});

describe('two systems on one archive', () => {
  const app = new App();
  const stack = new Stack(app, 'Shared', { env: env(LOGS) });
  const archive = new LogArchiveBucket(stack, 'Archive');
  const shop = archive.addSystem('shop');
  const blog = archive.addSystem('blog');
  system(stack, 'Shop', shop);
  system(stack, 'Blog', blog);
  const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
  shop.grantQuery(analyst);
  const template = Template.fromStack(stack);

  test.each([['shop'], ['blog']])('%s writes every source under its own prefix', (name) => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.prefix', Value: `${name}/alb` }]),
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestination: { 'Fn::Join': ['', [Match.anyValue(), `/${name}/vpc-flow-logs`]] },
    });
    // CloudFront logs v2: the delivery's destination is the share's folder.
    expect(JSON.stringify(template.findResources('AWS::Logs::DeliveryDestination'))).toContain(`/${name}/cloudfront-parquet/${name}"`);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { LogFilePrefix: Match.stringLikeRegexp(`^${name}/s3-access-logs/`) },
    });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: { Prefix: Match.stringLikeRegexp(`^${name}/cloudwatch-logs/year=`) },
    });
  });

  test.each([['shop'], ['blog']])('%s is queryable: its own Glue database reads its prefix', (name) => {
    const databases = template.findResources('AWS::Glue::Database', { Properties: { DatabaseInput: { Name: Match.stringLikeRegexp(`_${name}$`) } } });
    expect(Object.keys(databases)).toHaveLength(1);
    const databaseName = (Object.values(databases)[0] as any).Properties.DatabaseInput.Name;
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: databaseName,
      TableInput: {
        Name: 'alb_access_logs',
        StorageDescriptor: { Location: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`^/${name}/alb/AWSLogs/`)])] } },
      },
    });
    template.hasResourceProperties('AWS::Athena::NamedQuery', { Name: `${name}-alb-top-5xx-paths`, Database: databaseName });
  });

  test('each system\'s bucket-policy statements and queries stay on its own prefix', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAlbAccessLogsShop',
            Resource: ['alb', 'alb-connections', 'alb-health-checks'].map((p) => ({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`^/shop/${p}/AWSLogs/`)])] })),
          }),
          Match.objectLike({ Sid: 'AllowAlbAccessLogsBlog' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Analyst') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['s3:GetObject*']),
          Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^/shop/\\*$')])] }]),
        })]),
      },
    });
  });

  test('a system name is a folder, given once', () => {
    expect(() => archive.addSystem('shop')).toThrow(/Shared\/Archive: addSystem "shop" is invalid: the archive already has a system of this name/);
    expect(() => archive.addSystem('Shop Front')).toThrow(/addSystem "Shop Front" is invalid: a system name is a folder.*Use a name such as 'shop-front'/);
  });
});

describe('an archive in a logging account', () => {
  // The owner's app, in the logging account.
  const ownerStack = new Stack(new App(), 'Logging', { env: env(LOGS) });
  const archive = new LogArchiveBucket(ownerStack, 'Archive', { bucketName: 'central-logs-111111111111' });
  archive.addSystem('shop', { account: WORKLOAD });
  const owner = Template.fromStack(ownerStack);

  test('the owner lets the workload account write under its prefix only', () => {
    const statements = Object.values(owner.findResources('AWS::S3::BucketPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const resources = (sid: string) => JSON.stringify(statements.find((s: any) => s.Sid === sid)?.Resource);
    expect(resources(`AllowAlbAccessLogsShop${WORKLOAD}`)).toContain(`/shop/alb/AWSLogs/${WORKLOAD}/*`);
    expect(resources(`AllowFirehoseShop${WORKLOAD}`)).toContain('/shop/cloudwatch-logs/*');
    const flow = statements.find((s: any) => s.Principal?.Service === 'delivery.logs.amazonaws.com' && JSON.stringify(s.Resource).includes(WORKLOAD));
    expect(flow.Condition.StringEquals['aws:SourceAccount']).toBe(WORKLOAD);
    expect(JSON.stringify(flow.Resource)).toContain(`/shop/vpc-flow-logs/AWSLogs/aws-account-id=${WORKLOAD}/*`);
    const bucketAccess = statements.find((s: any) => s.Sid === `AllowFirehoseBucketShop${WORKLOAD}`);
    expect(bucketAccess.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${WORKLOAD}:root`]] } });
    expect(bucketAccess.Action).toEqual(['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads']);
    // No ACL rights for another account: it could rewrite the whole archive's ACL.
    expect(JSON.stringify(statements)).not.toMatch(/s3:(Get|Put)BucketAcl"[^}]*222222222222:root/);
    // The workload's CloudFront logs v2 come from its us-east-1 delivery sources, into the share's folder only.
    const cloudFront = statements.find((s: any) => s.Principal?.Service === 'delivery.logs.amazonaws.com' && JSON.stringify(s.Resource).includes('cloudfront-parquet'));
    expect(cloudFront.Condition.StringEquals['aws:SourceAccount']).toBe(WORKLOAD);
    expect(JSON.stringify(cloudFront.Resource)).toContain('/shop/cloudfront-parquet/*');
    expect(JSON.stringify(cloudFront.Condition.ArnLike)).toContain(`:logs:us-east-1:${WORKLOAD}:delivery-source:*`);
    // ...and the archive keeps bucket-owner-enforced ownership: CloudFront logs v2 need no ACLs.
    owner.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'central-logs-111111111111', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
  });

  test('a share\'s Glue database has a stable literal name, the archive\'s with _<system>', () => {
    const names = Object.values(owner.findResources('AWS::Glue::Database')).map((d: any) => d.Properties.DatabaseInput.Name);
    expect(names).toContain(`${names.find((n: string) => !n.endsWith('_shop'))}_shop`);
    for (const name of names) expect(name).toMatch(/^[a-z0-9_]+$/);
  });

  test('with SSE-KMS, the key lets the account\'s Firehose and flow logs use it through S3 only', () => {
    const stack = new Stack(new App(), 'Kms', { env: env(LOGS) });
    new LogArchiveBucket(stack, 'Archive', { encryption: LogArchiveEncryption.KMS, bucketName: 'central-logs' }).addSystem('shop', { account: WORKLOAD });
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))
      .flatMap((k: any) => k.Properties.KeyPolicy.Statement);
    const firehose = statements.find((s: any) => s.Sid === `AllowFirehoseShop${WORKLOAD}`);
    expect(firehose.Condition.StringEquals['kms:ViaService']).toBe('s3.us-east-1.amazonaws.com');
    expect(firehose.Condition.StringEquals['kms:EncryptionContext:aws:s3:arn']).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::central-logs']] });
    const delivery = statements.find((s: any) => s.Sid === `AllowLogDeliveryToEncryptShop${WORKLOAD}`);
    expect(delivery.Condition.StringEquals['aws:SourceAccount']).toBe(WORKLOAD);
  });

  test('an account is 12 digits, and shares whose names differ only by a hyphen keep distinct statement ids', () => {
    const stack = new Stack(new App(), 'Ids', { env: env(LOGS) });
    const ids = new LogArchiveBucket(stack, 'Archive');
    expect(() => ids.addSystem('shop', { account: '2222' })).toThrow(/addSystem.account "2222" is invalid: an AWS account id has 12 digits/);
    ids.addSystem('shop-1', { account: WORKLOAD });
    ids.addSystem('shop1', { account: WORKLOAD });
    const sids = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).map((s: any) => s.Sid).filter(Boolean);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toEqual(expect.arrayContaining([`AllowAlbAccessLogsShopX1${WORKLOAD}`, `AllowAlbAccessLogsShop1${WORKLOAD}`]));
  });

  test('the owner\'s tables read the workload account\'s paths', () => {
    owner.hasResourceProperties('AWS::Glue::Table', {
      TableInput: {
        Name: 'alb_access_logs',
        StorageDescriptor: { Location: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`^/shop/alb/AWSLogs/${WORKLOAD}/`)])] } },
      },
    });
  });

  // The workload's app, in its own account.
  const workloadApp = () => {
    const stack = new Stack(new App(), 'Workload', { env: env(WORKLOAD) });
    const accessLogs = new s3.Bucket(stack, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
    return { stack, accessLogs };
  };

  test('the workload imports its share: every source writes to the central bucket under shop/, but S3 access logs stay in the account', () => {
    const { stack, accessLogs } = workloadApp();
    const central = LogArchiveBucket.fromArchiveAttributes(stack, 'Central', {
      bucketName: 'central-logs-111111111111', account: LOGS, logPrefix: 'shop/', localLogsBucket: accessLogs,
    });
    system(stack, 'Shop', central);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.bucket', Value: 'central-logs-111111111111' },
        { Key: 'access_logs.s3.prefix', Value: 'shop/alb' },
      ]),
    });
    // CloudFront logs v2 cross accounts without ACLs: delivered to the central bucket (its addSystem({ account }) admits them).
    expect(JSON.stringify(t.findResources('AWS::Logs::DeliveryDestination'))).toContain('central-logs-111111111111/shop/cloudfront-parquet/shop"');
    expect(JSON.stringify(t.findResources('AWS::S3::Bucket'))).not.toContain('BucketOwnerPreferred');
    // Firehose runs in the workload account and writes across.
    t.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: {
        BucketARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::central-logs-111111111111']] },
        Prefix: Match.stringLikeRegexp('^shop/cloudwatch-logs/'),
      },
    });
    // S3 delivers server access logs only within an account: they go to the workload's bucket.
    t.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') }, LogFilePrefix: Match.stringLikeRegexp('^shop/s3-access-logs/') },
    });
    t.resourceCountIs('AWS::S3::BucketPolicy', 2); // the access-log bucket's and the site's: nothing on the central bucket
  });

  test('without a bucket of its own for the logs AWS keeps in an account, the workload is told to give one', () => {
    const { stack } = workloadApp();
    const central = LogArchiveBucket.fromArchiveAttributes(stack, 'Central', { bucketName: 'central-logs-111111111111', account: LOGS, logPrefix: 'shop/' });
    expect(() => system(stack, 'Shop', central)).toThrow(
      /Workload\/Central: addServerAccessLogsSource .* is invalid: S3 delivers server access logs only to a bucket of the source's account.*Give localLogsBucket/);
  });

  test('queries run in the archive\'s account, and an import without a catalog says what to give', () => {
    const { stack } = workloadApp();
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    const central = LogArchiveBucket.fromArchiveAttributes(stack, 'Central', {
      bucketName: 'central-logs-111111111111', account: LOGS, glueDatabaseName: 'logs_shop', workGroupName: 'logs', queryResultsBucketName: 'results',
    });
    expect(() => central.grantQuery(role)).toThrow(/Athena workgroups and Glue tables are used from their own account \(111111111111\)/);
    const bare = LogArchiveBucket.fromArchiveAttributes(stack, 'Bare', { bucketName: 'central-logs-111111111111' });
    expect(() => bare.workGroupName).toThrow(/Workload\/Bare: workGroupName undefined is invalid: it was not given when the archive was imported/);
    expect(() => LogArchiveBucket.fromArchiveAttributes(stack, 'Wrong', { bucketName: 'x', logPrefix: 'shop' }))
      .toThrow(/logPrefix "shop" is invalid: a system prefix is the name given to addSystem followed by '\/'/);
  });

  test('an import in the archive\'s own account grants queries on the given catalog', () => {
    const stack = new Stack(new App(), 'Same', { env: env(LOGS) });
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    LogArchiveBucket.fromArchiveAttributes(stack, 'Central', {
      bucketName: 'central-logs-111111111111', logPrefix: 'shop/', glueDatabaseName: 'logs_shop', workGroupName: 'logs', queryResultsBucketName: 'results',
    }).grantQuery(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['athena:StartQueryExecution']), Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':workgroup/logs$')])] } }),
          Match.objectLike({ Action: Match.arrayWith(['glue:GetTable']) }),
        ]),
      },
    });
  });
});
