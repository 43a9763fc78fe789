import { Stack, Token, aws_s3 as s3 } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, inCompliancePacks, managedPolicyFinding } from './nag';

/**
 * CDK puts the Lambda functions of its deploy-time helpers (AwsCustomResource, BucketDeployment,
 * LogRetention) at stack level, one per stack. When our construct is the reason one exists, we
 * acknowledge what it is built like; CDK owns its code and runtime.
 */
export function acknowledgeSingletonFunction(scope: Construct, idPrefix: string, job: string): void {
  const fn = stackSingleton(scope, idPrefix);
  if (!fn) return;
  const reason = `CDK's deploy-time function that ${job}; it runs only during deployments and CDK owns its code.`;
  if (fn.node.tryFindChild('Resource')) {
    acknowledge(fn, [
      { id: 'AwsSolutions-L1', reason: `${reason} CDK pins its runtime.` },
      ...inCompliancePacks('LambdaConcurrency', reason),
      ...inCompliancePacks('LambdaDLQ', reason),
      ...inCompliancePacks('LambdaInsideVPC', reason),
    ]);
  }
  // Newer aws-cdk-lib gives the function a log group of its own (CDK's defaults: no KMS key).
  const logGroup = fn.node.tryFindChild('LogGroup');
  if (logGroup?.node.defaultChild) {
    acknowledge(logGroup, inCompliancePacks('CloudWatchLogGroupEncrypted', `${reason} Its log group holds CDK's own deployment messages, not application data.`));
  }
  const role = fn.node.tryFindChild('ServiceRole');
  if (!role) return;
  acknowledge(role, [{ id: managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'), reason: `${reason} It logs with this AWS managed policy.` }]);
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledge(policy, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason }, ...inCompliancePacks('IAMNoInlinePolicy', reason)]);
  }
}

/** A construct CDK keeps once per stack, found by the start of its id. */
function stackSingleton(scope: Construct, idPrefix: string): IConstruct | undefined {
  return Stack.of(scope).node.children.find((c) => c.node.id.startsWith(idPrefix));
}

/**
 * BucketDeployment's handler copies from the CDK asset bucket into the site bucket with CDK's
 * read/write grants, whose wildcards cdk-nag names one by one (with logical ids and the asset
 * bucket of the default synthesizer).
 */
export function acknowledgeBucketDeploymentGrants(scope: Construct, destination: s3.Bucket): void {
  const stack = Stack.of(scope);
  const policy = stackSingleton(scope, 'Custom::CDKBucketDeployment')?.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  const reason = 'CDK\'s BucketDeployment copies the site from the CDK asset bucket into the site bucket with S3 read/write grants.';
  const qualifier = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds';
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const siteLogicalId = stack.getLogicalId(destination.node.defaultChild as s3.CfnBucket);
  // Newer aws-cdk-lib writes the partition of a literal region into the ARN; older ones a reference.
  const partitions = ['<AWS::Partition>', ...(Token.isUnresolved(stack.region) ? [] : [RegionInfo.get(stack.region).partition ?? 'aws'])];
  const findings = [
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((a) => `Action::${a}`),
    ...partitions.map((p) => `Resource::arn:${p}:s3:::cdk-${qualifier}-assets-${account}-${region}/*`),
    `Resource::<${siteLogicalId}.Arn>/*`,
  ];
  acknowledge(policy, findings.map((f) => ({ id: `AwsSolutions-IAM5[${f}]`, reason })));
}
