import { Duration, RemovalPolicy, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogArchiveBucket, LogArchiveEncryption } from '../src';
import { archiveBucket, bucketPolicyStatements, newStack } from './fixtures';

// Retention, log sources and queries have files of their own (log-archive-bucket.<topic>.test.ts).

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
