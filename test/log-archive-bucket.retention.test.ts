import { Duration, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LogArchiveBucket, LogArchiveBucketProps } from '../src';
import { archiveBucket, newStack } from './fixtures';

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
