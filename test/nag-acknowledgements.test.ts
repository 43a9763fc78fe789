import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as nag2 from 'cdk-nag-v2';
import { LogArchiveBucket } from '../src';
import { everythingOn, kmsWithObjectLock, newStack } from './fixtures';
import { nagFindings } from './helpers/nag';
import { acknowledge } from '../src/private/nag';

/** Errors cdk-nag 2 (an Aspect that annotates) reports on resources under `Test/Archive/`. */
function nag2Errors(stack: Stack): string[] {
  for (const pack of [nag2.AwsSolutionsChecks, nag2.NIST80053R5Checks, nag2.HIPAASecurityChecks, nag2.PCIDSS321Checks]) {
    Aspects.of(stack).add(new pack());
  }
  return Annotations.fromStack(stack)
    .findError('*', Match.stringLikeRegexp('.*'))
    .filter((m) => m.id.startsWith('/Test/Archive/'))
    .map((m) => `${m.id}: ${String(m.entry.data).split(':')[0]}`);
}

describe('acknowledgements reach consumers on cdk-nag 3 and cdk-nag 2', () => {
  test('cdk-nag 2: default configuration reports nothing from our constructs', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive');
    expect(nag2Errors(stack)).toEqual([]);
  });

  test('cdk-nag 2: everything on reports nothing from our constructs', () => {
    const stack = newStack();
    everythingOn(stack);
    expect(nag2Errors(stack)).toEqual([]);
  });

  test('cdk-nag 2: KMS with object lock reports nothing from our constructs', () => {
    const stack = newStack();
    kmsWithObjectLock(stack);
    expect(nag2Errors(stack)).toEqual([]);
  });

  test('without our acknowledgements the packs do report findings (the check can fail)', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    // Strip the metadata of one resource: cdk-nag 2 must now complain about it.
    const cfn = archive.bucket.node.defaultChild as any;
    delete cfn.cfnOptions.metadata.cdk_nag;
    const errors = nag2Errors(stack);
    expect(errors).toContain('/Test/Archive/Bucket/Resource: NIST.800.53.R5-S3BucketReplicationEnabled');
  });

  test('acknowledge writes both the CDK validation acknowledgement and cdk_nag metadata with applies_to', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const cfn = archive.queryResultsBucket.node.defaultChild as any;
    acknowledge(archive.queryResultsBucket, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'test reason that is long enough' }]);
    const rules = cfn.getMetadata('cdk_nag').rules_to_suppress;
    expect(rules).toContainEqual({ id: 'AwsSolutions-IAM5', reason: 'test reason that is long enough', applies_to: ['Resource::*'] });
    expect(nagFindings(stack).filter((f) => f.resource.startsWith('Test/Archive/'))).toEqual([]);
  });

  test('acknowledge refuses a construct without a CloudFormation resource', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    expect(() => acknowledge(archive, [{ id: 'X', reason: 'y' }])).toThrow(/no CloudFormation resource/);
  });
});
