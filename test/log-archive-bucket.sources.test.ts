import { App, Stack, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_elasticloadbalancingv2 as elbv2, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudFrontLogFormat, LogArchiveBucket, LogArchiveEncryption } from '../src';
import { archiveBucket, bucketPolicyStatements, everythingOn, kmsWithObjectLock, newStack, smallVpc } from './fixtures';


// Most tests below only read one archive with every source wired in, so it is built once.
const wired = newStack();
const sources = everythingOn(wired);
const wiredTemplate = Template.fromStack(wired);

describe('ALB access logs', () => {
  test('sets the access log attributes and depends on the bucket policy', () => {
    wiredTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^ArchiveBucket') } },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]),
    });
    const lb = wiredTemplate.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')[wired.getLogicalId(sources.alb.node.defaultChild as elbv2.CfnLoadBalancer)];
    expect(lb.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ArchiveBucketPolicy/)]));
  });

  test('connection logs and health-check logs too, each under its own prefix, which the bucket policy admits', () => {
    wiredTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'connection_logs.s3.enabled', Value: 'true' },
        { Key: 'connection_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^ArchiveBucket') } },
        { Key: 'connection_logs.s3.prefix', Value: 'alb-connections' },
        { Key: 'health_check_logs.s3.enabled', Value: 'true' },
        { Key: 'health_check_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^ArchiveBucket') } },
        { Key: 'health_check_logs.s3.prefix', Value: 'alb-health-checks' },
      ]),
    });
    const statements = Object.values(wiredTemplate.findResources('AWS::S3::BucketPolicy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const alb = statements.find((st: any) => String(st.Sid).startsWith('AllowAlbAccessLogs'));
    expect(JSON.stringify(alb.Resource)).toMatch(/"\/alb\/AWSLogs\/".*"\/alb-connections\/AWSLogs\/".*"\/alb-health-checks\/AWSLogs\/"/);
  });

  test('works in an env-agnostic stack: service principal plus the regional ELB account chosen at deploy time', () => {
    const statement = bucketPolicyStatements(wiredTemplate, archiveBucket(wiredTemplate).id).find((s) => s.Sid === 'AllowAlbAccessLogs');
    expect(statement.Principal.Service).toBe('logdelivery.elasticloadbalancing.amazonaws.com');
    const [condition, arn, otherwise] = statement.Principal.AWS['Fn::If'];
    expect(otherwise).toEqual({ Ref: 'AWS::NoValue' });
    expect(JSON.stringify(arn)).toContain('Fn::FindInMap');
    expect(JSON.stringify(statement.Resource)).toContain('/alb/AWSLogs/');
    const json = wiredTemplate.toJSON();
    const mapping = Object.values(json.Mappings)[0] as any;
    expect(mapping['ap-northeast-2']).toEqual({ account: '600734575887' });
    expect(mapping['ap-south-2']).toEqual({ account: 'none' }); // a Region launched after August 2022
    const expression = JSON.stringify(json.Conditions[condition]);
    expect(expression).toContain('"ap-northeast-2"');
    expect(expression).not.toContain('"ap-south-2"');
  });

  test('regions from before August 2022 grant the regional ELB account (Seoul)', () => {
    const stack = newStack({ env: { region: 'ap-northeast-2', account: '111111111111' } });
    everythingOn(stack);
    const template = Template.fromStack(stack);
    const statement = bucketPolicyStatements(template, archiveBucket(template).id).find((s) => s.Sid === 'AllowAlbAccessLogs');
    expect(statement.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::600734575887:root']] } });
  });

  test('regions from August 2022 on grant the log delivery service principal (Hyderabad)', () => {
    const stack = newStack({ env: { region: 'ap-south-2', account: '111111111111' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    archive.addApplicationLoadBalancer(new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: smallVpc(stack) }));
    const template = Template.fromStack(stack);
    const statement = bucketPolicyStatements(template, archiveBucket(template).id).find((s) => s.Sid === 'AllowAlbAccessLogs');
    expect(statement.Principal).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
  });

  test('AWS constraint: ALB access logs support only SSE-S3, so a KMS archive fails at synth', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive', { encryption: LogArchiveEncryption.KMS });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: smallVpc(stack) });
    expect(() => archive.addApplicationLoadBalancer(alb)).toThrow(/ALB access logs support only SSE-S3/);
  });

  test('two load balancers share one policy statement', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const vpc = smallVpc(stack);
    archive.addApplicationLoadBalancer(new elbv2.ApplicationLoadBalancer(stack, 'A', { vpc }));
    archive.addApplicationLoadBalancer(new elbv2.ApplicationLoadBalancer(stack, 'B', { vpc }));
    const template = Template.fromStack(stack);
    expect(bucketPolicyStatements(template, archiveBucket(template).id).filter((s) => s.Sid === 'AllowAlbAccessLogs')).toHaveLength(1);
  });
});

describe('CloudFront standard logs', () => {
  test('AWS constraint: CloudFront legacy logging needs ACLs, so ownership becomes BucketOwnerPreferred and logging is set', () => {
    expect(archiveBucket(wiredTemplate).props.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerPreferred');
    wiredTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Logging: { Bucket: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveBucket'), 'RegionalDomainName'] }, Prefix: 'cloudfront/web/', IncludeCookies: false },
      }),
    });
    wiredTemplate.hasResourceProperties('AWS::Athena::NamedQuery', { Name: 'cloudfront-web-top-errors', QueryString: Match.stringLikeRegexp("distribution = 'web'") });
  });

  test('without a CloudFront source, ACLs stay disabled', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive');
    expect(archiveBucket(Template.fromStack(stack)).props.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerEnforced');
  });

  test('AWS constraint: CloudFront does not deliver standard logs to buckets in some opt-in Regions', () => {
    const stack = newStack({ env: { region: 'me-central-1' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    const d = new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin: new origins.HttpOrigin('example.com') } });
    expect(() => archive.addCloudFrontDistribution(d, { format: CloudFrontLogFormat.LEGACY })).toThrow(/does not deliver legacy standard logs to buckets in me-central-1/);
  });

  test('every opt-in Region is refused, including ones launched recently (mx-central-1)', () => {
    const stack = newStack({ env: { region: 'mx-central-1' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    const d = new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin: new origins.HttpOrigin('example.com') } });
    expect(() => archive.addCloudFrontDistribution(d, { format: CloudFrontLogFormat.LEGACY })).toThrow(/mx-central-1/);
  });

  test('fails when two distributions would share a log folder', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const origin = new origins.HttpOrigin('example.com');
    const format = CloudFrontLogFormat.LEGACY;
    archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'A', { defaultBehavior: { origin } }), { name: 'site', format });
    expect(() => archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'B', { defaultBehavior: { origin } }), { name: 'site', format }))
      .toThrow(/options.name "site" is invalid: another distribution already logs under the name 'site'/);
  });
});

describe('CloudFront standard logging v2 (the default)', () => {
  const virginia = () => newStack({ env: { account: '111111111111', region: 'us-east-1' } });
  const origin = new origins.HttpOrigin('example.com');

  test('a delivery source, a Parquet destination under cloudfront-parquet/<name>/ and a delivery with Hive-compatible hourly folders', () => {
    const stack = virginia();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const prefix = archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin } }));
    expect(prefix).toBe('cloudfront-parquet/web/');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::DeliverySource', {
      LogType: 'ACCESS_LOGS',
      ResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::111111111111:distribution/', { Ref: Match.stringLikeRegexp('^Web') }]] },
    });
    // The prefix is in the destination ARN: with a suffix alone CloudFormation prepends AWSLogs/<account>/CloudFront/ on create.
    t.hasResourceProperties('AWS::Logs::DeliveryDestination', {
      OutputFormat: 'parquet',
      DestinationResourceArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveBucket'), 'Arn'] }, '/cloudfront-parquet/web']] },
    });
    t.hasResourceProperties('AWS::Logs::Delivery', {
      DeliverySourceName: { Ref: Match.stringLikeRegexp('Source') },
      DeliveryDestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Destination'), 'Arn'] },
      S3SuffixPath: '{yyyy}/{MM}/{dd}/{HH}',
      S3EnableHiveCompatiblePath: true,
    });
    // No ACLs: the legacy switch to BucketOwnerPreferred does not happen.
    expect(archiveBucket(t).props.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerEnforced');
    expect(JSON.stringify(t.findResources('AWS::CloudFront::Distribution'))).not.toContain('"Logging"');
    const sql = Object.values(t.findResources('AWS::Athena::NamedQuery')).map((q: any) => q.Properties)
      .find((q: any) => q.Name === 'cloudfront-web-top-errors').QueryString;
    // Every projected key but the hour is bound, for today and yesterday: Athena lists 48 folders, not the projection's range.
    expect(sql).toContain("FROM cloudfront_logs_v2 WHERE distribution = 'web'");
    expect(sql).toContain('(year = year(current_date) AND month = month(current_date) AND day = day_of_month(current_date))');
    expect(sql).toContain("(year = year(current_date - interval '1' day) AND month = month(current_date - interval '1' day)");
  });

  test('cookies stay out of the logs unless includeCookies, as with legacy logging', () => {
    const fields = (includeCookies?: boolean) => {
      const stack = virginia();
      new LogArchiveBucket(stack, 'Archive').addCloudFrontDistribution(new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin } }), { includeCookies });
      return (Object.values(Template.fromStack(stack).findResources('AWS::Logs::Delivery'))[0] as any).Properties.RecordFields as string[];
    };
    expect(fields()).not.toContain('cs(Cookie)');
    expect(fields()).toEqual(expect.arrayContaining(['date', 'time', 'c-ip', 'cs-uri-stem', 'sc-status', 'cs(User-Agent)', 'c-country']));
    expect(fields()).toHaveLength(34);
    expect(fields(true)).toContain('cs(Cookie)');
  });

  test('deliveryScope: in the distribution\'s account, and with crossRegionReferences when it reads another Region', () => {
    const app = new App();
    const stack = new Stack(app, 'Seoul', { env: { account: '111111111111', region: 'ap-northeast-2' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    const web = (id: string) => new cloudfront.Distribution(stack, id, { defaultBehavior: { origin } });
    const other = new Stack(app, 'Other', { env: { account: '222222222222', region: 'us-east-1' }, crossRegionReferences: true });
    expect(() => archive.addCloudFrontDistribution(web('A'), { deliveryScope: other })).toThrow(/distribution's account \(111111111111\), and deliveryScope is in 222222222222/);
    const noFlag = new Stack(app, 'NoFlag', { env: { account: '111111111111', region: 'us-east-1' } });
    expect(() => archive.addCloudFrontDistribution(web('B'), { deliveryScope: noFlag })).toThrow(/Set crossRegionReferences: true on stack 'NoFlag'/);
  });

  test('AWS constraint: the bucket policy admits CloudWatch Logs delivery from us-east-1 delivery sources only, under the prefix', () => {
    const stack = newStack({ env: { account: '111111111111', region: 'eu-west-1' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    const edge = new Stack(stack.node.root as App, 'Edge', { env: { account: '111111111111', region: 'us-east-1' }, crossRegionReferences: true });
    archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin } }), { deliveryScope: edge });
    const statements = bucketPolicyStatements(Template.fromStack(stack), archiveBucket(Template.fromStack(stack)).id);
    const delivery = statements.find((s: any) => JSON.stringify(s.Resource).includes('cloudfront-parquet'));
    expect(delivery).toMatchObject({
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': '111111111111' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:delivery-source:*']] } },
      },
    });
    expect(JSON.stringify(delivery.Resource)).toContain('/cloudfront-parquet/web/*');
    // The delivery is in us-east-1 (the edge stack), none beside the distribution in eu-west-1.
    Template.fromStack(edge).resourceCountIs('AWS::Logs::Delivery', 1);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::Delivery', 0);
  });

  test('AWS constraint: CloudWatch Logs takes CloudFront deliveries in us-east-1 only', () => {
    const stack = newStack({ env: { region: 'eu-west-1' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    expect(() => archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin } })))
      .toThrow(/us-east-1 only, and the distribution is in eu-west-1.*deliveryScope.*CloudFrontLogFormat.LEGACY/);
    const agnostic = newStack();
    expect(() => new LogArchiveBucket(agnostic, 'Archive').addCloudFrontDistribution(new cloudfront.Distribution(agnostic, 'Web', { defaultBehavior: { origin } })))
      .toThrow(/a stack without a Region/);
  });

  test('the Parquet table: the default fields as strings, partitions distribution/year/month/day/hour projected over the Hive folders', () => {
    const stack = virginia();
    new LogArchiveBucket(stack, 'Archive');
    const table = Object.values(Template.fromStack(stack).findResources('AWS::Glue::Table'))
      .map((r: any) => r.Properties.TableInput).find((i: any) => i.Name === 'cloudfront_logs_v2');
    expect(table.PartitionKeys.map((k: any) => k.Name)).toEqual(['distribution', 'year', 'month', 'day', 'hour']);
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(table.StorageDescriptor.Columns).toHaveLength(35);
    expect(table.StorageDescriptor.Columns.every((c: any) => c.Type === 'string')).toBe(true);
    expect(table.StorageDescriptor.Columns.map((c: any) => c.Name)).toEqual(expect.arrayContaining(['cs_uri_stem', 'sc_status', 'cs_referer', 'c_country']));
    expect(table.Parameters).toMatchObject({ 'projection.distribution.type': 'injected', 'projection.hour.range': '0,23', 'projection.hour.digits': '2' });
    expect(JSON.stringify(table.Parameters['storage.location.template'])).toContain('/cloudfront-parquet/${distribution}/year=${year}/month=${month}/day=${day}/hour=${hour}/');
  });
});

describe('VPC flow logs', () => {
  // The KMS flavour with object lock, read by the last two tests.
  const kmsStack = newStack();
  kmsWithObjectLock(kmsStack);
  const kmsTemplate = Template.fromStack(kmsStack);

  test('delivers to the archive with Hive-compatible partitions in plain text', () => {
    wiredTemplate.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestinationType: 's3',
      LogDestination: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveBucket'), 'Arn'] }, '/vpc-flow-logs']] },
      DestinationOptions: { FileFormat: 'plain-text', HiveCompatiblePartitions: true, PerHourPartition: false },
      TrafficType: 'ALL',
      MaxAggregationInterval: 600,
    });
  });

  test('AWS constraint (cfn-lint E3002/E3003): AWS::EC2::FlowLog DestinationOptions keys are PascalCase, never the camelCase CDK writes', () => {
    const flowLogs = Object.values<any>(wiredTemplate.findResources('AWS::EC2::FlowLog'));
    expect(flowLogs).toHaveLength(1);
    expect(Object.keys(flowLogs[0].Properties.DestinationOptions).sort()).toEqual(['FileFormat', 'HiveCompatiblePartitions', 'PerHourPartition']);
  });

  test('grants delivery.logs.amazonaws.com on the flow log prefix with source-account conditions', () => {
    const statements = bucketPolicyStatements(wiredTemplate, archiveBucket(wiredTemplate).id)
      .filter((s) => s.Principal?.Service === 'delivery.logs.amazonaws.com');
    const put = statements.find((s) => s.Action === 's3:PutObject');
    expect(put.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(put.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    expect(JSON.stringify(put.Resource)).toContain('/vpc-flow-logs/AWSLogs/aws-account-id=');
    expect(statements.find((s) => Array.isArray(s.Action) && s.Action.includes('s3:GetBucketAcl'))).toBeDefined();
  });

  test('with the CDK feature flag that adds the flow-log policy itself, no statement is duplicated', () => {
    const app = new App({ context: { '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true } });
    const stack = new Stack(app, 'Test');
    everythingOn(stack);
    const template = Template.fromStack(stack);
    const puts = bucketPolicyStatements(template, archiveBucket(template).id)
      .filter((s) => s.Principal?.Service === 'delivery.logs.amazonaws.com' && s.Action === 's3:PutObject');
    expect(puts).toHaveLength(1);
  });

  test('AWS constraint: a KMS-encrypted log group needs the CloudWatch Logs principal in the key policy', () => {
    kmsTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchLogs',
          Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        })]),
      },
    });
    kmsTemplate.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
  });

  test('with SSE-KMS, flow logs work and the key policy allows log delivery', () => {
    kmsTemplate.resourceCountIs('AWS::EC2::FlowLog', 1);
    kmsTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowLogDeliveryToEncrypt' })]) },
    });
  });
});

describe('S3 server access logs of other buckets', () => {
  test('source bucket logs into s3-access-logs/<bucket>/ with date partitions', () => {
    const siteProps = wiredTemplate.findResources('AWS::S3::Bucket')[wired.getLogicalId(sources.site.node.defaultChild as s3.CfnBucket)].Properties;
    expect(siteProps.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: archiveBucket(wiredTemplate).id });
    expect(siteProps.LoggingConfiguration.LogFilePrefix).toMatch(/^s3-access-logs\/test-site.*\/$/);
    expect(siteProps.LoggingConfiguration.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource).toBe('EventTime');
  });

  test('AWS constraint: S3 server access logs need an SSE-S3 target, so a KMS archive fails at synth', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive', { encryption: LogArchiveEncryption.KMS });
    expect(() => archive.addServerAccessLogsSource(new s3.Bucket(stack, 'Other')))
      .toThrow(/S3 server access logs can only be delivered to an SSE-S3 bucket/);
  });
});

describe('CloudWatch Logs through Firehose', () => {
  test('one GZIP delivery stream with date partitions, decompression and message extraction', () => {
    wiredTemplate.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    wiredTemplate.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'GZIP',
        Prefix: 'cloudwatch-logs/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
        ErrorOutputPrefix: Match.stringLikeRegexp('^cloudwatch-logs-errors/!\\{firehose:error-output-type\\}/'),
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            Match.objectLike({ Type: 'Decompression' }),
            Match.objectLike({ Type: 'CloudWatchLogProcessing', Parameters: [{ ParameterName: 'DataMessageExtraction', ParameterValue: 'true' }] }),
            // AWS constraint: Firehose concatenates records without a delimiter unless AppendDelimiterToRecord is set.
            Match.objectLike({ Type: 'AppendDelimiterToRecord' }),
          ],
        },
      }),
    });
    expect(sources.archive.logsDeliveryStream).toBeDefined();
    wiredTemplate.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
  });

  test('the cloudwatch_logs table reads exactly the partitions Firehose writes, one message per row', () => {
    const stream = Object.values(wiredTemplate.findResources('AWS::KinesisFirehose::DeliveryStream'))[0] as any;
    const written = stream.Properties.ExtendedS3DestinationConfiguration.Prefix
      .replace('!{timestamp:yyyy}', '2026').replace('!{timestamp:MM}', '05').replace('!{timestamp:dd}', '07');
    const table = (Object.values(wiredTemplate.findResources('AWS::Glue::Table')) as any[])
      .map((t) => t.Properties.TableInput).find((t) => t.Name === 'cloudwatch_logs');
    const parts: string[] = table.Parameters['storage.location.template']['Fn::Join'][1]; // s3://, <bucket>, /cloudwatch-logs/year=${year}/...
    const read = parts[parts.length - 1].replace(/^\//, '')
      .replace('${year}', '2026').replace('${month}', '05').replace('${day}', '07');
    expect(read).toBe(written);
    expect(table.Parameters['projection.month.digits']).toBe('2');
    expect(table.Parameters['projection.day.digits']).toBe('2');
    expect(table.StorageDescriptor.Columns).toEqual([{ Name: 'message', Type: 'string' }]);
    expect(table.StorageDescriptor.SerdeInfo.Parameters).toBeUndefined(); // no delimiter splits a message
  });

  test('Firehose role may write only under its prefixes (no bucket-wide grant)', () => {
    const policies = wiredTemplate.findResources('AWS::IAM::ManagedPolicy');
    const firehosePolicy = Object.entries(policies).find(([k]) => k.startsWith('ArchiveDeliveryStreamPolicy'))![1] as any;
    const s3Statement = firehosePolicy.Properties.PolicyDocument.Statement[0];
    expect(JSON.stringify(s3Statement.Resource)).toContain('/cloudwatch-logs/*');
    expect(JSON.stringify(s3Statement.Resource)).not.toMatch(/Arn"\]\},"\/\*"/);
    expect(s3Statement.Action).not.toContain('s3:DeleteObject*');
    // No inline policy grants the roles anything more.
    expect(Object.keys(wiredTemplate.findResources('AWS::IAM::Policy')).filter((k) => k.startsWith('Archive'))).toEqual([]);
  });

  test('AWS constraint CT.CLOUDWATCH.PR.2: the Firehose error log group keeps events for at least 365 days', () => {
    const groups = wiredTemplate.findResources('AWS::Logs::LogGroup');
    const errors = Object.entries(groups).find(([k]) => k.startsWith('ArchiveDeliveryStreamErrors'))![1] as any;
    expect(errors.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
  });

  test('a second log group reuses the stream', () => {
    const stack = newStack();
    const { archive } = everythingOn(stack);
    archive.addLogGroup(new logs.LogGroup(stack, 'More'));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 2);
  });
});
