// Integration test: a LogArchiveBucket with every source wired, and assertions on deployed state.
// Snapshot: `npx projen integ:update` (dry run, never deploys). Verify: `npx projen integ`.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { everythingOn } from '../test/fixtures';

const app = new App();
const stack = new Stack(app, 'LogArchiveBucketInteg');
const { archive } = everythingOn(stack, { removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'LogArchiveBucket', { testCases: [stack] });

const encryption = integ.assertions.awsApiCall('S3', 'getBucketEncryption', { Bucket: archive.bucket.bucketName });
encryption.expect(ExpectedResult.objectLike({
  ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
}));

integ.assertions
  .awsApiCall('S3', 'getPublicAccessBlock', { Bucket: archive.bucket.bucketName })
  .expect(ExpectedResult.objectLike({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  }));

integ.assertions
  .awsApiCall('S3', 'getBucketLogging', { Bucket: archive.bucket.bucketName })
  .expect(ExpectedResult.objectLike({ LoggingEnabled: { TargetBucket: archive.accessLogsBucket.bucketName, TargetPrefix: 'log-archive/' } }));

integ.assertions
  .awsApiCall('Glue', 'getTable', { DatabaseName: archive.database.ref, Name: 'alb_access_logs' })
  .expect(ExpectedResult.objectLike({ Table: { Name: 'alb_access_logs', PartitionKeys: [{ Name: 'day', Type: 'string' }] } }));

integ.assertions
  .awsApiCall('Athena', 'getWorkGroup', { WorkGroup: archive.workGroup.ref })
  .expect(ExpectedResult.objectLike({
    WorkGroup: { Configuration: { EnforceWorkGroupConfiguration: true, ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } } } },
  }));

// The provider's policy names each call's API (s3:GetBucketEncryption), but IAM authorizes these two
// under other actions: grant those, and tell cfn-lint (W3037) about the API-named ones it writes.
encryption.provider.addToRolePolicy({
  Effect: 'Allow',
  Action: ['s3:GetEncryptionConfiguration', 's3:GetBucketPublicAccessBlock'],
  Resource: [archive.bucket.bucketArn],
});
Aspects.of(Stack.of(encryption)).add({
  visit(node: IConstruct) {
    if (node instanceof CfnResource && node.cfnResourceType === 'AWS::IAM::Role') {
      node.addMetadata('cfn-lint', { config: { ignore_checks: ['W3037'] } });
    }
  },
});

// A flow log delivering to the archive is active once the stack is up.
integ.assertions
  .awsApiCall('EC2', 'describeFlowLogs', { Filter: [{ Name: 'log-destination-type', Values: ['s3'] }] })
  .expect(ExpectedResult.objectLike({ FlowLogs: [{ FlowLogStatus: 'ACTIVE', DeliverLogsStatus: 'SUCCESS' }] }));

app.synth();
