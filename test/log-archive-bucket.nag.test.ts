import { LogArchiveBucket } from '../src';
import { everythingOn, kmsWithObjectLock, newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';

describe('LogArchiveBucket rule packs', () => {
  test('default configuration has no unacknowledged findings in any of the four packs', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive');
    const findings = nagFindings(stack);
    expect(formatFindings(findings)).toEqual('');
  });

  test('everything on (ALB, CloudFront, flow logs, S3 access logs, Firehose) has no unacknowledged findings', () => {
    const stack = newStack();
    everythingOn(stack);
    const findings = nagFindings(stack).filter((f) => f.resource.startsWith('Test/Archive/'));
    expect(formatFindings(findings)).toEqual('');
  });

  test('KMS with object lock has no unacknowledged findings', () => {
    const stack = newStack();
    kmsWithObjectLock(stack);
    const findings = nagFindings(stack).filter((f) => f.resource.startsWith('Test/Archive/'));
    expect(formatFindings(findings)).toEqual('');
  });
});
