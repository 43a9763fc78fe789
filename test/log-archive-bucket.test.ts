import {
  App, Duration, RemovalPolicy, Stack, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins,
  aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_s3 as s3,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogArchiveBucket, LogArchiveBucketProps, LogArchiveEncryption } from '../src';
import { everythingOn, kmsWithObjectLock, newStack, smallVpc } from './fixtures';
import { ALB_COLUMNS, ALB_REGEX, CLOUDFRONT_COLUMNS, VPC_FLOW_COLUMNS } from '../src/log-archive-bucket/table-schemas';

function archiveBucket(template: Template): { id: string; props: any } {
  const buckets = template.findResources('AWS::S3::Bucket');
  const id = Object.keys(buckets).find((k) => k.startsWith('ArchiveBucket'))!;
  return { id, props: buckets[id].Properties };
}

function bucketPolicyStatements(template: Template, bucketLogicalId: string): any[] {
  const policies = template.findResources('AWS::S3::BucketPolicy');
  const policy = Object.values(policies).find((p: any) => p.Properties.Bucket.Ref === bucketLogicalId) as any;
  return policy.Properties.PolicyDocument.Statement;
}

describe('LogArchiveBucket secure defaults', () => {
  const stack = newStack();
  new LogArchiveBucket(stack, 'Archive');
  const template = Template.fromStack(stack);
  const { id, props } = archiveBucket(template);

  test('blocks all public access, versions objects and enforces bucket-owner ownership', () => {
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerEnforced');
  });

  test('defaults to SSE-S3, the only encryption ALB and S3 access logs accept', () => {
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
  });

  test('denies requests without TLS', () => {
    const deny = bucketPolicyStatements(template, id).find((s) => s.Effect === 'Deny');
    expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('archive, access-logs and results buckets are retained on stack deletion', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const b of Object.values(buckets)) {
      expect((b as any).DeletionPolicy).toBe('Retain');
      expect((b as any).UpdateReplacePolicy).toBe('Retain');
    }
  });

  test('server access logs go to a separate SSE-S3 bucket, never into the archive itself', () => {
    const logging = props.LoggingConfiguration;
    expect(logging.DestinationBucketName.Ref).toMatch(/^ArchiveAccessLogsBucket/);
    expect(logging.DestinationBucketName.Ref).not.toBe(id);
    expect(logging.TargetObjectKeyFormat).toEqual({ PartitionedPrefix: { PartitionDateSource: 'EventTime' } });
    const target = template.findResources('AWS::S3::Bucket')[logging.DestinationBucketName.Ref].Properties;
    expect(target.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(target.LoggingConfiguration).toBeUndefined();
  });

  test('S3 server access log target grants logging.s3.amazonaws.com, scoped to the source bucket and account', () => {
    const statements = bucketPolicyStatements(template, props.LoggingConfiguration.DestinationBucketName.Ref);
    const allow = statements.find((s) => s.Principal?.Service === 'logging.s3.amazonaws.com' && s.Condition.ArnLike['aws:SourceArn']['Fn::GetAtt'][0] === id);
    expect(allow.Action).toBe('s3:PutObject');
    expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  });

  test('lifecycle moves logs to Standard-IA at 30 days, Glacier IR at 90, expires at 7 years, noncurrent at 30 days', () => {
    const rule = props.LifecycleConfiguration.Rules.find((r: any) => r.Id === 'archive-tiers');
    expect(rule.Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
    ]);
    expect(rule.ExpirationInDays).toBe(2555);
    expect(rule.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 30 });
    expect(rule.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 7 });
  });

  test('archive, access-logs and results buckets publish object events to EventBridge natively (no custom resource)', () => {
    for (const b of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect((b as any).Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    }
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('object lock is off by default', () => {
    expect(props.ObjectLockEnabled).toBeUndefined();
  });
});

describe('LogArchiveBucket props', () => {
  test('lifecycle tiers and expiry can be changed, and Deep Archive is opt-in', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', {
      infrequentAccessAfter: Duration.days(60),
      glacierInstantRetrievalAfter: Duration.days(180),
      deepArchiveAfter: Duration.days(400),
      expireAfter: Duration.days(3650),
      noncurrentVersionExpiration: Duration.days(7),
    });
    const rule = archiveBucket(Template.fromStack(stack)).props.LifecycleConfiguration.Rules[0];
    expect(rule.Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 60 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
      { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 400 },
    ]);
    expect(rule.ExpirationInDays).toBe(3650);
    expect(rule.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 7 });
  });

  test('removalPolicy DESTROY is honoured for the buckets, and the workgroup may be emptied on delete', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    for (const b of Object.values(template.findResources('AWS::S3::Bucket'))) expect((b as any).DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: true });
  });

  test('a retained archive keeps its workgroup contents on delete', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive');
    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: Match.absent() });
  });

  test('a given server access logs bucket is used instead of creating one', () => {
    const stack = newStack();
    const target = new s3.Bucket(stack, 'Central', { encryption: s3.BucketEncryption.S3_MANAGED });
    const archive = new LogArchiveBucket(stack, 'Archive', { serverAccessLogsBucket: target });
    expect(archive.accessLogsBucket).toBe(target);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 3); // Central, archive, results
    const targetId = stack.getLogicalId(target.node.defaultChild as s3.CfnBucket);
    expect(archiveBucket(template).props.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: targetId });
  });

  test('KMS encryption creates a rotating key that log delivery may use, and encrypts query results with it', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive', { encryption: LogArchiveEncryption.KMS });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: Match.arrayWith(['kms:GenerateDataKey*']) })]) },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    const sse = archiveBucket(template).props.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(sse.BucketKeyEnabled).toBe(true);
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() } }) }),
    });
    expect(archive.encryptionKey).toBeDefined();
  });

  test('a given KMS key is used instead of creating one', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey');
    const archive = new LogArchiveBucket(stack, 'Archive', { encryption: LogArchiveEncryption.KMS, encryptionKey: key });
    expect(archive.encryptionKey).toBe(key);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
  });

  test('fails when encryptionKey is given without KMS encryption', () => {
    const stack = newStack();
    expect(() => new LogArchiveBucket(stack, 'Archive', { encryptionKey: new kms.Key(stack, 'K') }))
      .toThrow(/^Test\/Archive: encryptionKey "Test\/K" is invalid: the key is used only with encryption: LogArchiveEncryption.KMS.*remove encryptionKey/);
  });
});

describe('LogArchiveBucket name validation', () => {
  test('fails on an invalid bucket name', () => {
    expect(() => new LogArchiveBucket(newStack(), 'A', { bucketName: 'My_Logs' })).toThrow(/^Test\/A: bucketName "My_Logs" is invalid: an S3 bucket name has 3-63 lower-case letters/);
  });

  test('accepts a valid bucket name and uses it', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', { bucketName: 'acme-logs-2026' });
    expect(archiveBucket(Template.fromStack(stack)).props.BucketName).toBe('acme-logs-2026');
  });

  test('fails on a Glue database name Athena cannot use', () => {
    expect(() => new LogArchiveBucket(newStack(), 'A', { databaseName: 'Logs-DB' })).toThrow(/^Test\/A: databaseName "Logs-DB" is invalid: a Glue database name.*Use 'logs_db'/);
  });
});

describe('LogArchiveBucket short retention (a development account)', () => {
  const rule = (props: LogArchiveBucketProps) => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', props);
    return archiveBucket(Template.fromStack(stack)).props.LifecycleConfiguration.Rules.find((r: any) => r.Id === 'archive-tiers');
  };

  test.each([[1], [14], [30]])('keeps logs %i day(s): the default tiers, which cannot happen before expiry, are dropped', (expire) => {
    const r = rule({ expireAfter: Duration.days(expire) });
    expect(r.ExpirationInDays).toBe(expire);
    expect(r.Transitions).toBeUndefined();
  });

  test('keeps logs 60 days: Standard-IA at 30 days stays, Glacier Instant Retrieval at 90 days is dropped', () => {
    expect(rule({ expireAfter: Duration.days(60) }).Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]);
  });

  test('a transition the user set is never dropped: it must come before the expiry', () => {
    expect(() => rule({ expireAfter: Duration.days(14), infrequentAccessAfter: Duration.days(30) }))
      .toThrow(/expireAfter 14 days is invalid: S3 runs lifecycle steps in order, and expireAfter must come after infrequentAccessAfter \(30 days\)/);
  });

  test.each([
    ['none: every object stays in S3 Standard until it expires', {}, undefined],
    ['Standard-IA only', { infrequentAccessAfter: Duration.days(30) }, [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]],
    ['Glacier Instant Retrieval only', { glacierInstantRetrievalAfter: Duration.days(7) }, [{ StorageClass: 'GLACIER_IR', TransitionInDays: 7 }]],
  ])('defaultTransitions: false is the off switch; the tiers given still apply (%s)', (_name, tiers, transitions) => {
    const r = rule({ defaultTransitions: false, expireAfter: Duration.days(400), ...tiers });
    expect(r.ExpirationInDays).toBe(400);
    expect(r.Transitions).toEqual(transitions);
  });

  test('the default seven years keeps both tiers', () => {
    expect(rule({}).Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
    ]);
  });
});

describe('LogArchiveBucket object lock', () => {
  test('object lock sets the default retention mode and period', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', { objectLockRetention: s3.ObjectLockRetention.compliance(Duration.days(365)) });
    const props = archiveBucket(Template.fromStack(stack)).props;
    expect(props.ObjectLockEnabled).toBe(true);
    expect(props.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } });
  });

  test('fails when object lock retention outlasts expiry', () => {
    expect(() => new LogArchiveBucket(newStack(), 'A', {
      objectLockRetention: s3.ObjectLockRetention.governance(Duration.days(4000)),
    })).toThrow(/objectLockRetention 4000 days is invalid: locked versions could not be deleted when they expire after 2555 days/);
  });

  test('S3 constraint: a bucket with an object-lock default retention cannot receive S3 server access logs', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive', { objectLockRetention: s3.ObjectLockRetention.governance(Duration.days(30)) });
    expect(() => archive.addServerAccessLogsSource(new s3.Bucket(stack, 'Other')))
      .toThrow(/does not deliver server access logs to a bucket with an Object Lock default retention/);
  });

  test('with object lock, the archive\'s own access logs still go to the separate bucket without lock', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', { objectLockRetention: s3.ObjectLockRetention.governance(Duration.days(30)) });
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
    const accessLogs = Object.entries(buckets).find(([k]) => k.startsWith('ArchiveAccessLogsBucket'))![1] as any;
    expect(accessLogs.Properties.ObjectLockEnabled).toBeUndefined();
  });
});

describe('ALB access logs', () => {
  test('sets the access log attributes and depends on the bucket policy', () => {
    const stack = newStack();
    const { alb } = everythingOn(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^ArchiveBucket') } },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]),
    });
    const lb = template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')[stack.getLogicalId(alb.node.defaultChild as elbv2.CfnLoadBalancer)];
    expect(lb.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ArchiveBucketPolicy/)]));
  });

  test('works in an env-agnostic stack: service principal plus the regional ELB account chosen at deploy time', () => {
    const stack = newStack();
    everythingOn(stack);
    const template = Template.fromStack(stack);
    const statement = bucketPolicyStatements(template, archiveBucket(template).id).find((s) => s.Sid === 'AllowAlbAccessLogs');
    expect(statement.Principal.Service).toBe('logdelivery.elasticloadbalancing.amazonaws.com');
    const [condition, arn, otherwise] = statement.Principal.AWS['Fn::If'];
    expect(otherwise).toEqual({ Ref: 'AWS::NoValue' });
    expect(JSON.stringify(arn)).toContain('Fn::FindInMap');
    expect(JSON.stringify(statement.Resource)).toContain('/alb/AWSLogs/');
    const json = template.toJSON();
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
    const stack = newStack();
    everythingOn(stack);
    const template = Template.fromStack(stack);
    expect(archiveBucket(template).props.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerPreferred');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Logging: { Bucket: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveBucket'), 'RegionalDomainName'] }, Prefix: 'cloudfront/web/', IncludeCookies: false },
      }),
    });
    template.hasResourceProperties('AWS::Athena::NamedQuery', { Name: 'cloudfront-web-top-errors', QueryString: Match.stringLikeRegexp("distribution = 'web'") });
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
    expect(() => archive.addCloudFrontDistribution(d)).toThrow(/does not deliver standard logs to buckets in me-central-1/);
  });

  test('every opt-in Region is refused, including ones launched recently (mx-central-1)', () => {
    const stack = newStack({ env: { region: 'mx-central-1' } });
    const archive = new LogArchiveBucket(stack, 'Archive');
    const d = new cloudfront.Distribution(stack, 'Web', { defaultBehavior: { origin: new origins.HttpOrigin('example.com') } });
    expect(() => archive.addCloudFrontDistribution(d)).toThrow(/mx-central-1/);
  });

  test('fails when two distributions would share a log folder', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const origin = new origins.HttpOrigin('example.com');
    archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'A', { defaultBehavior: { origin } }), { name: 'site' });
    expect(() => archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'B', { defaultBehavior: { origin } }), { name: 'site' }))
      .toThrow(/options.name "site" is invalid: another distribution already logs under cloudfront\/site\//);
  });
});

describe('VPC flow logs', () => {
  test('delivers to the archive with Hive-compatible partitions in plain text', () => {
    const stack = newStack();
    everythingOn(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestinationType: 's3',
      LogDestination: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveBucket'), 'Arn'] }, '/vpc-flow-logs']] },
      DestinationOptions: { FileFormat: 'plain-text', HiveCompatiblePartitions: true, PerHourPartition: false },
      TrafficType: 'ALL',
      MaxAggregationInterval: 600,
    });
  });

  test('AWS constraint (cfn-lint E3002/E3003): AWS::EC2::FlowLog DestinationOptions keys are PascalCase, never the camelCase CDK writes', () => {
    const stack = newStack();
    everythingOn(stack);
    const flowLogs = Object.values<any>(Template.fromStack(stack).findResources('AWS::EC2::FlowLog'));
    expect(flowLogs).toHaveLength(1);
    expect(Object.keys(flowLogs[0].Properties.DestinationOptions).sort()).toEqual(['FileFormat', 'HiveCompatiblePartitions', 'PerHourPartition']);
  });

  test('grants delivery.logs.amazonaws.com on the flow log prefix with source-account conditions', () => {
    const stack = newStack();
    everythingOn(stack);
    const template = Template.fromStack(stack);
    const statements = bucketPolicyStatements(template, archiveBucket(template).id)
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
    const stack = newStack();
    kmsWithObjectLock(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchLogs',
          Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        })]),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
  });

  test('with SSE-KMS, flow logs work and the key policy allows log delivery', () => {
    const stack = newStack();
    kmsWithObjectLock(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowLogDeliveryToEncrypt' })]) },
    });
  });
});

describe('S3 server access logs of other buckets', () => {
  test('source bucket logs into s3-access-logs/<bucket>/ with date partitions', () => {
    const stack = newStack();
    const { site } = everythingOn(stack);
    const template = Template.fromStack(stack);
    const siteProps = template.findResources('AWS::S3::Bucket')[stack.getLogicalId(site.node.defaultChild as s3.CfnBucket)].Properties;
    expect(siteProps.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: archiveBucket(template).id });
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
    const stack = newStack();
    const { archive } = everythingOn(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
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
    expect(archive.logsDeliveryStream).toBeDefined();
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
  });

  test('the cloudwatch_logs table reads exactly the partitions Firehose writes, one message per row', () => {
    const stack = newStack();
    everythingOn(stack);
    const template = Template.fromStack(stack);
    const stream = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'))[0] as any;
    const written = stream.Properties.ExtendedS3DestinationConfiguration.Prefix
      .replace('!{timestamp:yyyy}', '2026').replace('!{timestamp:MM}', '05').replace('!{timestamp:dd}', '07');
    const table = (Object.values(template.findResources('AWS::Glue::Table')) as any[])
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
    const stack = newStack();
    everythingOn(stack);
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const firehosePolicy = Object.entries(policies).find(([k]) => k.startsWith('ArchiveDeliveryStreamPolicy'))![1] as any;
    const s3Statement = firehosePolicy.Properties.PolicyDocument.Statement[0];
    expect(JSON.stringify(s3Statement.Resource)).toContain('/cloudwatch-logs/*');
    expect(JSON.stringify(s3Statement.Resource)).not.toMatch(/Arn"\]\},"\/\*"/);
    expect(s3Statement.Action).not.toContain('s3:DeleteObject*');
    // No inline policy grants the roles anything more.
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter((k) => k.startsWith('Archive'))).toEqual([]);
  });

  test('AWS constraint CT.CLOUDWATCH.PR.2: the Firehose error log group keeps events for at least 365 days', () => {
    const stack = newStack();
    everythingOn(stack);
    const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
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

describe('Athena and Glue', () => {
  const stack = newStack();
  const archive = new LogArchiveBucket(stack, 'Archive');
  const template = Template.fromStack(stack);

  test('workgroup enforces SSE-S3 results in the results bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^ArchiveQueryResultsBucket') }, '/athena/']] },
        },
      },
    });
  });

  test('query results expire after 30 days', () => {
    const results = template.findResources('AWS::S3::Bucket');
    const props = Object.entries(results).find(([k]) => k.startsWith('ArchiveQueryResultsBucket'))![1] as any;
    expect(props.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
  });

  test('tables use partition projection for ALB (day), CloudFront (distribution), VPC flow and CloudWatch logs (year/month/day)', () => {
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((t: any) => t.Properties.TableInput);
    const byName = Object.fromEntries(tables.map((t) => [t.Name, t]));
    expect(Object.keys(byName).sort()).toEqual(['alb_access_logs', 'cloudfront_logs', 'cloudwatch_logs', 'vpc_flow_logs']);
    expect(byName.alb_access_logs.Parameters['projection.day.format']).toBe('yyyy/MM/dd');
    expect(JSON.stringify(byName.alb_access_logs.Parameters['storage.location.template'])).toContain('/elasticloadbalancing/');
    expect(byName.cloudfront_logs.Parameters['projection.distribution.type']).toBe('injected');
    expect(byName.cloudfront_logs.Parameters['skip.header.line.count']).toBe('2');
    expect(byName.vpc_flow_logs.PartitionKeys.map((p: any) => p.Name)).toEqual(['year', 'month', 'day']);
    expect(JSON.stringify(byName.vpc_flow_logs.Parameters['storage.location.template'])).toContain('aws-service=vpcflowlogs');
  });

  test('ALB regex has one capture group per column and parses a documented log line', () => {
    expect(ALB_COLUMNS).toHaveLength(34);
    const line = 'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_123456';
    const match = new RegExp(`^${ALB_REGEX}$`).exec(line)!;
    expect(match).not.toBeNull();
    expect(match.length - 1).toBe(ALB_COLUMNS.length);
    const row = Object.fromEntries(ALB_COLUMNS.map((c, i) => [c.name, match[i + 1]]));
    expect(row).toMatchObject({ client_ip: '192.168.131.39', elb_status_code: '200', request_verb: 'GET', request_url: 'https://www.example.com:443/', user_agent: 'curl/7.46.0', conn_trace_id: 'TID_123456' });
  });

  test('CloudFront and VPC flow log columns match the documented field counts', () => {
    expect(CLOUDFRONT_COLUMNS).toHaveLength(33);
    expect(VPC_FLOW_COLUMNS).toHaveLength(14);
  });

  test('named queries cover top 5xx paths, slowest targets, top client IPs, rejected flows and application errors', () => {
    const names = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((q: any) => q.Properties.Name).sort();
    expect(names).toEqual(['alb-slowest-targets', 'alb-top-5xx-paths', 'alb-top-client-ips', 'app-log-errors-today', 'vpc-rejected-flows']);
    expect(archive.namedQueries).toHaveLength(5);
  });

  test('glue database name is a valid Glue identifier', () => {
    const db = Object.values(template.findResources('AWS::Glue::Database'))[0] as any;
    expect(db.Properties.DatabaseInput.Name).toMatch(/^[a-z0-9_]+$/);
  });
});

describe('grants', () => {
  test('grantQuery gives Athena on the workgroup, Glue read, archive read and results read/write', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantQuery(role);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'glue:GetTable', 'glue:GetPartitions', 's3:GetObject*', 's3:PutObject']));
    expect(actions).not.toContain('s3:DeleteObject*');
    const put = policy.Properties.PolicyDocument.Statement.find((s: any) => ([] as string[]).concat(s.Action).includes('s3:PutObject'));
    expect(JSON.stringify(put.Resource)).toMatch(/ArchiveQueryResultsBucket/);
    expect(JSON.stringify(put.Resource)).not.toMatch(/"ArchiveBucket[0-9A-F]{8}"/);
  });

  test('grantRead gives read on the archive only', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantRead(role, 'alb/*');
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('/alb/*');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('s3:PutObject');
  });
});

describe('stable logical IDs of stateful resources', () => {
  test('buckets and key keep their logical IDs (renaming them would replace the data)', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive', { encryption: LogArchiveEncryption.KMS });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).sort()).toEqual([
      'ArchiveAccessLogsBucket848A773E', 'ArchiveBucket49F1AC64', 'ArchiveQueryResultsBucket8394CFCC',
    ].sort());
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual(['ArchiveKey3EF5EDE5']);
  });
});
