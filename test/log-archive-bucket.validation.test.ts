// LogArchiveBucket inputs AWS would reject fail at synth (issue #16: names, lifecycle, props that
// cannot apply together, log sources), in the one format
// `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`; the valid row beside each
// is the boundary, which must synthesize.
import { App, Duration, Lazy, RemovalPolicy, Stack, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { LogArchiveBucket, LogArchiveBucketProps, LogArchiveEncryption } from '../src';
import { newStack } from './fixtures';

const ROWS: Array<[string, LogArchiveBucketProps, LogArchiveBucketProps, RegExp]> = [
  ['a bucket name with upper case', { bucketName: 'Acme-logs' }, { bucketName: 'acme-logs' },
    /^Test\/Logs: bucketName "Acme-logs" is invalid: an S3 bucket name has 3-63 lower-case letters.*leave bucketName out/],
  ['a bucket name of 2 characters', { bucketName: 'ab' }, { bucketName: 'abc' }, /bucketName "ab" is invalid/],
  ['a bucket name of 64 characters', { bucketName: 'a'.repeat(64) }, { bucketName: 'a'.repeat(63) }, /bucketName "a{64}" is invalid/],
  ['a bucket name with two dots in a row', { bucketName: 'acme..logs' }, { bucketName: 'acme.logs' }, /bucketName "acme..logs" is invalid/],
  ['a bucket name shaped like an IP address', { bucketName: '192.168.5.4' }, { bucketName: '192.168.5.4a' }, /bucketName "192.168.5.4" is invalid/],
  ['a bucket name with a reserved prefix', { bucketName: 'xn--logs' }, { bucketName: 'xn-logs' }, /bucketName "xn--logs" is invalid/],
  ['a bucket name with a reserved suffix', { bucketName: 'logs-s3alias' }, { bucketName: 'logs-s3aliases' }, /bucketName "logs-s3alias" is invalid/],
  ['a Glue database name with a hyphen', { databaseName: 'acme-logs' }, { databaseName: 'acme_logs' },
    /^Test\/Logs: databaseName "acme-logs" is invalid: a Glue database name Athena can query has 1-255 lower-case letters, digits and underscores\. Use 'acme_logs'/],
  ['a Glue database name of 256 characters', { databaseName: 'a'.repeat(256) }, { databaseName: 'a'.repeat(255) }, /databaseName "a{256}" is invalid/],
  ['an Athena workgroup name with a space', { workGroupName: 'acme logs' }, { workGroupName: 'acme-logs.v2_x' },
    /^Test\/Logs: workGroupName "acme logs" is invalid: an Athena workgroup name has 1-128 letters.*Use 'acme-logs'/],
  ['an Athena workgroup name of 129 characters', { workGroupName: 'a'.repeat(129) }, { workGroupName: 'a'.repeat(128) }, /workGroupName "a{129}" is invalid/],
];

describe('LogArchiveBucket names', () => {
  test.each(ROWS)('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => new LogArchiveBucket(newStack(), 'Logs', bad)).toThrow(message);
    expect(() => new LogArchiveBucket(newStack(), 'Logs', good)).not.toThrow();
  });

  test('names that are tokens are left to AWS', () => {
    const token = Lazy.string({ produce: () => 'Not Valid' });
    expect(() => new LogArchiveBucket(newStack(), 'Logs', { bucketName: token, databaseName: token, workGroupName: token })).not.toThrow();
  });
});

const d = Duration.days;
const LIFECYCLE: Array<[string, LogArchiveBucketProps, LogArchiveBucketProps, RegExp]> = [
  ['Standard-IA before 30 days', { infrequentAccessAfter: d(29) }, { infrequentAccessAfter: d(30) },
    /^Test\/Logs: infrequentAccessAfter 29 days is invalid: S3 moves objects to Standard-IA only after at least 30 days/],
  ['Glacier IR within 30 days of Standard-IA', { glacierInstantRetrievalAfter: d(59) }, { glacierInstantRetrievalAfter: d(60) },
    /glacierInstantRetrievalAfter 59 days is invalid: S3 keeps objects 30 days in Standard-IA.*Give glacierInstantRetrievalAfter 60 days or more/],
  ['expiry before a transition the user set', { glacierInstantRetrievalAfter: d(90), expireAfter: d(90) }, { glacierInstantRetrievalAfter: d(90), expireAfter: d(91) },
    /expireAfter 90 days is invalid: S3 runs lifecycle steps in order, and expireAfter must come after glacierInstantRetrievalAfter \(90 days\)/],
  ['Deep Archive before Glacier IR', { deepArchiveAfter: d(90) }, { deepArchiveAfter: d(91) }, /deepArchiveAfter 90 days is invalid: .*must come after glacierInstantRetrievalAfter/],
  ['expiry of part of a day', { expireAfter: Duration.hours(36) }, { expireAfter: d(1) }, /expireAfter 36 hours is invalid: S3 lifecycle rules count whole days, from 1/],
  ['noncurrent versions kept part of a day', { noncurrentVersionExpiration: Duration.hours(12) }, { noncurrentVersionExpiration: d(1) },
    /noncurrentVersionExpiration 12 hours is invalid: S3 lifecycle rules count whole days, from 1/],
  ['object lock longer than the expiry it would block', { expireAfter: d(30), objectLockRetention: s3.ObjectLockRetention.governance(d(31)) },
    { expireAfter: d(30), objectLockRetention: s3.ObjectLockRetention.governance(d(30)) },
    /objectLockRetention 31 days is invalid: locked versions could not be deleted when they expire after 30 days/],
  ['defaultTransitions off with Standard-IA before 30 days', { defaultTransitions: false, infrequentAccessAfter: d(7) }, { defaultTransitions: false, glacierInstantRetrievalAfter: d(7) },
    /infrequentAccessAfter 7 days is invalid/],
];

describe('LogArchiveBucket lifecycle (S3)', () => {
  test.each(LIFECYCLE)('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => new LogArchiveBucket(newStack(), 'Logs', bad)).toThrow(message);
    expect(() => new LogArchiveBucket(newStack(), 'Logs', good)).not.toThrow();
  });
});

describe('LogArchiveBucket props that cannot apply together, and log sources', () => {
  test('encryptionKey without KMS encryption would be ignored, so it fails', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'K', { removalPolicy: RemovalPolicy.DESTROY });
    expect(() => new LogArchiveBucket(stack, 'A', { encryptionKey: key }))
      .toThrow(/^Test\/A: encryptionKey "Test\/K" is invalid: the key is used only with encryption: LogArchiveEncryption.KMS, and this archive has LogArchiveEncryption.S3_MANAGED, so it would be ignored\. Set encryption/);
    expect(() => new LogArchiveBucket(stack, 'B', { encryptionKey: key, encryption: LogArchiveEncryption.KMS })).not.toThrow();
  });

  const withAlb = (encryption: LogArchiveEncryption, archiveRegion = 'us-east-1') => () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const elsewhere = new Stack(app, 'There', { env: { account: '111111111111', region: archiveRegion } });
    const archive = new LogArchiveBucket(archiveRegion === 'us-east-1' ? stack : elsewhere, 'Logs', { encryption });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 }) });
    archive.addApplicationLoadBalancer(alb);
  };
  test('AWS constraint: ALB access logs go to an SSE-S3 bucket in the load balancer\'s Region', () => {
    expect(withAlb(LogArchiveEncryption.KMS)).toThrow(/^Test\/Logs: addApplicationLoadBalancer "Test\/Lb" is invalid: ALB access logs support only SSE-S3 destinations/);
    expect(withAlb(LogArchiveEncryption.S3_MANAGED, 'eu-west-1')).toThrow(/^There\/Logs: addApplicationLoadBalancer "Test\/Lb" is invalid: ALB access logs go to a bucket in the load balancer's Region \(us-east-1\), and the archive is in eu-west-1/);
    expect(withAlb(LogArchiveEncryption.S3_MANAGED)).not.toThrow();
  });

  test.each([
    ['upper case', 'Site', 'site', /^Test\/Logs: options.name "Site" is invalid: a CloudFront log name is a folder of lower-case letters.*Pass options.name, e.g. 'site'/],
    ['a slash', 'shop/site', 'shop-site', /options.name "shop\/site" is invalid/],
  ])('a CloudFront log name with %s fails', (_rule, bad, good, message) => {
    const withName = (name: string) => () => {
      const stack = newStack({ env: { region: 'us-east-1' } });
      const archive = new LogArchiveBucket(stack, 'Logs');
      const site = new s3.Bucket(stack, 'Site');
      archive.addCloudFrontDistribution(new cloudfront.Distribution(stack, 'D', { defaultBehavior: { origin: origins.S3BucketOrigin.withOriginAccessControl(site) } }), { name });
    };
    expect(withName(bad)).toThrow(message);
    expect(withName(good)).not.toThrow();
  });

  test('S3 server access logs: one source once, SSE-S3 only', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Logs');
    const source = new s3.Bucket(stack, 'Source');
    archive.addServerAccessLogsSource(source);
    expect(() => archive.addServerAccessLogsSource(source)).toThrow(/^Test\/Logs: addServerAccessLogsSource "Test\/Source" is invalid: this bucket already sends its access logs here/);
    const kmsArchive = new LogArchiveBucket(stack, 'Kms', { encryption: LogArchiveEncryption.KMS });
    expect(() => kmsArchive.addServerAccessLogsSource(new s3.Bucket(stack, 'Other')))
      .toThrow(/^Test\/Kms: addServerAccessLogsSource "Test\/Other" is invalid: S3 server access logs can only be delivered to an SSE-S3 bucket/);
  });
});
