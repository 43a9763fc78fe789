import { CfnResource, Stack, Token, aws_s3 as s3 } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, inCompliancePacks, managedPolicyFinding, suppressGuard } from './nag';

/**
 * CDK puts the Lambda functions of its deploy-time helpers (AwsCustomResource, BucketDeployment,
 * LogRetention) at stack level, one per stack. When our construct is the reason one exists, we
 * acknowledge what it is built like; CDK owns its code and runtime.
 */
export function acknowledgeSingletonFunction(scope: Construct, idPrefix: string, job: string): void {
  const fn = stackSingleton(scope, idPrefix);
  if (!fn) return;
  const reason = `CDK's deploy-time function that ${job}; it runs only during deployments and CDK owns its code.`;
  if (fn.node.tryFindChild('Resource')) acknowledgeDeployTimeFunction(fn, reason);
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

/** A Lambda function CDK deploys for us, which CloudFormation invokes only during deployments. */
function acknowledgeDeployTimeFunction(fn: IConstruct, reason: string): void {
  const packs = ['NIST.800.53.R5', 'HIPAA.Security'];
  acknowledge(fn, [
    { id: 'AwsSolutions-L1', reason: `${reason} CDK pins its runtime.` },
    ...inCompliancePacks('LambdaConcurrency', `${reason} It runs once per deployment; reserved concurrency would only add a quota to manage.`, packs),
    ...inCompliancePacks('LambdaDLQ', `${reason} CloudFormation waits for its answer and reports a failure itself; there is no event to queue.`, packs),
    ...inCompliancePacks('LambdaInsideVPC', `${reason} It calls AWS APIs only and has no network path to the VPC's resources.`),
  ]);
  suppressGuard(fn, [{ rule: 'lambda_inside_vpc_check', reason: `${reason} It calls AWS APIs only.` }]);
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

const acknowledged = new WeakSet<IConstruct>();
const hooked = new WeakMap<Stack, Set<string>>();

/**
 * CDK's `Custom::<name>CustomResourceProvider` singletons (a role and a handler at stack level),
 * when our construct is the reason one exists. Some are made only while the app is prepared (the
 * cross-region reference reader and writer), after aspects have run and out of reach of a
 * consumer's cdk-nag 2 aspects but in the template their scanners read. So the provider is
 * acknowledged now if it exists, and again from a validation of the stack, which CDK runs after
 * preparation and before it writes the template.
 */
export function acknowledgeProvider(scope: Construct, name: string, job: string): void {
  const stack = Stack.of(scope);
  const run = () => {
    const provider = stack.node.tryFindChild(`Custom::${name}CustomResourceProvider`);
    if (provider) acknowledgeProviderParts(provider, job);
  };
  run();
  const names = hooked.get(stack) ?? new Set<string>();
  hooked.set(stack, names);
  if (names.has(name)) return;
  names.add(name);
  stack.node.addValidation({ validate: () => { run(); return []; } });
}

function acknowledgeProviderParts(provider: IConstruct, job: string): void {
  const reason = `CDK's deploy-time provider that ${job}; CloudFormation invokes it only during deployments and CDK owns its code, role and runtime.`;
  const handler = provider.node.tryFindChild('Handler');
  if (handler && !acknowledged.has(handler)) {
    acknowledged.add(handler);
    acknowledgeDeployTimeFunction(handler, reason);
  }
  const role = provider.node.tryFindChild('Role');
  if (role && CfnResource.isCfnResource(role) && !acknowledged.has(role)) {
    acknowledged.add(role);
    const props = Stack.of(role).resolve((role as any)._cfnProperties ?? {});
    const findings = [
      ...([] as unknown[]).concat(props.ManagedPolicyArns ?? []).map((arn) => ({ id: `AwsSolutions-IAM4[Policy::${flatten(arn)}]`, reason: `${reason} It logs with this AWS managed policy.` })),
      ...wildcards(props.Policies ?? []).map((f) => ({ id: `AwsSolutions-IAM5[${f}]`, reason: `${reason} CDK scopes the wildcard to the parameters or resources it manages.` })),
    ];
    acknowledge(role, [...findings, ...inCompliancePacks('IAMNoInlinePolicy', `${reason} CDK writes its policy inline.`)]);
  }
}

/** The wildcard findings cdk-nag's IAM5 names for inline policies: `Action::x*` and `Resource::...*`. */
function wildcards(policies: any[]): string[] {
  const out = new Set<string>();
  for (const policy of policies) {
    for (const st of ([] as any[]).concat(policy?.PolicyDocument?.Statement ?? [])) {
      if (st.Effect !== 'Allow') continue;
      for (const a of ([] as unknown[]).concat(st.Action ?? [])) if (typeof a === 'string' && a.includes('*')) out.add(`Action::${a}`);
      for (const r of ([] as unknown[]).concat(st.Resource ?? []).map(flatten)) if (r.includes('*')) out.add(`Resource::${r}`);
    }
  }
  return [...out];
}

/** A CloudFormation value as cdk-nag prints it: `{Ref: X}` and `${X}` in a Sub as `<X>`, GetAtt as `<A.B>`, joins joined. */
function flatten(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return `<${value.Ref}>`;
  if (value?.['Fn::GetAtt']) return `<${[].concat(value['Fn::GetAtt']).join('.')}>`;
  if (value?.['Fn::Join']) return (value['Fn::Join'][1] as any[]).map(flatten).join(value['Fn::Join'][0]);
  if (typeof value?.['Fn::Sub'] === 'string') return value['Fn::Sub'].replace(/\$\{([^}]+)\}/g, '<$1>');
  return JSON.stringify(value);
}
