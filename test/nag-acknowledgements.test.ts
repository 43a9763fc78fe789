import { Stack } from 'aws-cdk-lib';
import { LogArchiveBucket } from '../src';
import { everythingOn, kmsWithObjectLock, newStack } from './fixtures';
import { nag2Errors, nagFindings } from './helpers/nag';
import { acknowledge } from '../src/private/nag';

/** cdk-nag 2 errors on our archive only (the VPC, ALB and distribution belong to the test). */
const archiveErrors = (stack: Stack) => nag2Errors(stack, ['/Test/Archive/']);

describe('acknowledgements reach consumers on cdk-nag 3 and cdk-nag 2', () => {
  test('cdk-nag 2: default configuration reports nothing from our constructs', () => {
    const stack = newStack();
    new LogArchiveBucket(stack, 'Archive');
    expect(archiveErrors(stack)).toEqual([]);
  });

  test('cdk-nag 2: everything on reports nothing from our constructs', () => {
    const stack = newStack();
    everythingOn(stack);
    expect(archiveErrors(stack)).toEqual([]);
  });

  test('cdk-nag 2: KMS with object lock reports nothing from our constructs', () => {
    const stack = newStack();
    kmsWithObjectLock(stack);
    expect(archiveErrors(stack)).toEqual([]);
  });

  test('without our acknowledgements the packs do report findings (the check can fail)', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    // Strip the metadata of one resource: cdk-nag 2 must now complain about it.
    const cfn = archive.bucket.node.defaultChild as any;
    delete cfn.cfnOptions.metadata.cdk_nag;
    const errors = archiveErrors(stack);
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
