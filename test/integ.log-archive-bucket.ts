// Integration test: a LogArchiveBucket with every source wired, and assertions on deployed state.
// Snapshot: `npx projen integ:update` (dry run, never deploys). Verify: `npx projen integ`.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { everythingOn } from './fixtures';

const app = new App();
const stack = new Stack(app, 'LogArchiveBucketInteg');
const { archive } = everythingOn(stack, { removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'LogArchiveBucket', { testCases: [stack] });

integ.assertions
  .awsApiCall('S3', 'getBucketEncryption', { Bucket: archive.bucket.bucketName })
  .expect(ExpectedResult.objectLike({
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

// A flow log delivering to the archive is active once the stack is up.
integ.assertions
  .awsApiCall('EC2', 'describeFlowLogs', { Filter: [{ Name: 'log-destination-type', Values: ['s3'] }] })
  .expect(ExpectedResult.objectLike({ FlowLogs: [{ FlowLogStatus: 'ACTIVE', DeliverLogsStatus: 'SUCCESS' }] }));

app.synth();
