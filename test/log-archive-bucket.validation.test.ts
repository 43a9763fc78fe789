// LogArchiveBucket names AWS would reject fail at synth (issue #16, names), in the one format
// `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`; the valid row beside each
// is the boundary, which must synthesize.
import { Lazy } from 'aws-cdk-lib';
import { LogArchiveBucket, LogArchiveBucketProps } from '../src';
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
