import * as path from 'path';
import {
  Duration, Names, NestedStack, RemovalPolicy, Stack, Token,
  aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ProgressiveDeploymentOptions, pathRouted, ruleMatches } from './deployment';
import { ProgressiveBinding } from './load-balancer';
import { acknowledge, explainLogGroupKey, inCompliancePacks } from '../private/nag';
import { invalid, literalString } from '../private/validate';

/** The runtime the smoke-test handler is tested on. */
const HOOK_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** What the smoke-test hook checks, and where. */
export interface SmokeTestPlan {
  readonly healthPath: string;
  readonly healthyHttpCodes: string;
  readonly subnets: ec2.SubnetSelection;
  readonly vpc: ec2.IVpc;
  readonly logEncryptionKey?: kms.IKey;
}

/** What `attachProgressiveDeployment` made. */
export interface ProgressiveResources {
  readonly hook: lambda.Function;
  readonly infrastructureRole: iam.Role;
}

/**
 * ECS's side of a blue/green, canary or linear deployment: the infrastructure role that moves the
 * rules' weights (least privilege instead of the AWS managed policy), the alternate target, and a
 * Lambda hook that smoke-tests the new revision through the test rule before production traffic moves.
 */
export function attachProgressiveDeployment(scope: Construct, service: ecs.FargateService, primary: elbv2.ApplicationTargetGroup,
  alternate: elbv2.ApplicationTargetGroup, binding: ProgressiveBinding, options: ProgressiveDeploymentOptions, plan: SmokeTestPlan,
  containerPort: number): { resources: ProgressiveResources; target: ecs.IEcsLoadBalancerTarget } {
  const infrastructureRole = new iam.Role(scope, 'DeploymentRole', {
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    description: `ECS moves traffic between the two target groups of ${scope.node.path} during deployments`,
  });
  const infraPolicy = new iam.ManagedPolicy(scope, 'DeploymentPolicy', {
    roles: [infrastructureRole],
    statements: [
      new iam.PolicyStatement({
        actions: ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        resources: [primary.targetGroupArn, alternate.targetGroupArn],
      }),
      new iam.PolicyStatement({ actions: ['elasticloadbalancing:ModifyListener'], resources: binding.listeners.map((l) => l.listenerArn) }),
      new iam.PolicyStatement({
        actions: ['elasticloadbalancing:ModifyRule'],
        resources: [binding.productionRule.listenerRuleArn, binding.testRule.listenerRuleArn],
      }),
    ],
  });
  acknowledge(infraPolicy, [{
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'The four elasticloadbalancing:Describe* actions ECS reads the rules with have no resource-level permissions; every change is limited to this service\'s rules and target groups.',
  }]);
  // The service may only change once the role can act.
  service.node.addDependency(infraPolicy);

  const hook = smokeTestFunction(scope, binding, options, plan);
  const invokeRole = new iam.Role(scope, 'DeploymentHookInvokeRole', {
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    description: `ECS runs the deployment smoke tests of ${scope.node.path}`,
  });
  const invokePolicy = new iam.ManagedPolicy(scope, 'DeploymentHookInvokePolicy', {
    roles: [invokeRole],
    statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [hook.functionArn] })],
  });
  service.node.addDependency(invokePolicy);
  service.addLifecycleHook(new ecs.DeploymentLifecycleLambdaTarget(hook, 'SmokeTest', {
    role: invokeRole,
    lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
  }));

  const target = service.loadBalancerTarget({
    containerName: 'app',
    containerPort,
    alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
      alternateTargetGroup: alternate,
      productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(binding.productionRule),
      testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(binding.testRule),
      role: infrastructureRole,
    }),
  });
  return { resources: { hook, infrastructureRole }, target };
}

/** The checks: the given paths, or the health path, each a path the rule routes to this service. */
function smokeChecks(scope: Construct, binding: ProgressiveBinding, options: ProgressiveDeploymentOptions, plan: SmokeTestPlan) {
  if (binding.throughNat && plan.subnets.subnetType === ec2.SubnetType.PRIVATE_ISOLATED) {
    throw invalid(scope.node.path, 'deployment', 'an internet-facing load balancer',
      'the smoke-test hook runs in the tasks\' isolated subnets, which have no route to the load balancer\'s public address',
      'Run the tasks in private subnets with NAT (vpcSubnets), or put the service behind an internal load balancer.');
  }
  const checks = options.smokeTests?.length
    ? options.smokeTests.map((t) => ({ path: t.path, expect: t.expectedStatus ?? '200' }))
    : [{ path: plan.healthPath, expect: plan.healthyHttpCodes }];
  if (binding.pathPatterns.length > 0) {
    for (const check of checks) {
      const p = literalString(check.path);
      if (p !== undefined && binding.pathPatterns.every((pattern) => !Token.isUnresolved(pattern)) && !pathRouted(p, binding.pathPatterns)) {
        throw invalid(scope.node.path, options.smokeTests?.length ? 'deployment.smokeTests.path' : 'healthCheck.path', p,
          `the test rule routes only ${binding.pathPatterns.join(', ')} to this service, so a smoke test of this path would reach another service or the listener's default`,
          `Give deployment.smokeTests paths under ${binding.pathPatterns[0]} (e.g. '${binding.pathPatterns[0].replace(/\*.*$/, '')}health').`);
      }
    }
  }
  return checks;
}

/**
 * The host the hook sends: it must be one the rule's host patterns match, or the test rule routes
 * the request elsewhere and every deployment rolls back.
 */
function smokeHost(scope: Construct, binding: ProgressiveBinding, options: ProgressiveDeploymentOptions): string | undefined {
  const patterns = binding.hostHeaders;
  if (patterns.length === 0 || patterns.some((h) => Token.isUnresolved(h))) return options.smokeTestHost;
  const host = options.smokeTestHost ?? patterns.find((h) => !/[*?]/.test(h));
  if (host === undefined) {
    throw invalid(scope.node.path, 'deployment.smokeTestHost', undefined, `the service is routed by host (${patterns.join(', ')}), and a wildcard names no host to test`,
      `Give smokeTestHost, a name ${patterns[0]} matches.`);
  }
  if (!Token.isUnresolved(host) && !ruleMatches(host, patterns, true)) {
    throw invalid(scope.node.path, 'deployment.smokeTestHost', host, `the test rule routes only ${patterns.join(', ')} to this service`,
      'Give a host those patterns match.');
  }
  return host;
}

/** Whether `stack` is a nested stack somewhere under `root` (a separate top-level stack is not). */
function nestedUnder(stack: Stack, root: Stack): boolean {
  for (let s: Stack | undefined = stack; s && NestedStack.isNestedStack(s); s = s.nestedStackParent) {
    if (s.nestedStackParent === root) return true;
  }
  return false;
}

function smokeTestFunction(service: Construct, binding: ProgressiveBinding, options: ProgressiveDeploymentOptions,
  plan: SmokeTestPlan): lambda.Function {
  const checks = smokeChecks(service, binding, options, plan);
  const host = smokeHost(service, binding, options);
  // A service in a nested stack has its hook in the listener's stack, so the function's VpcConfig
  // names the subnets and the hooks' group directly: the cfn-guard CDK plugin (Control Tower rules)
  // fails on a Lambda function whose VpcConfig reads nested-stack parameters.
  const listener = binding.listeners[0];
  const scope = nestedUnder(Stack.of(service), Stack.of(listener)) ? new Construct(listener, `DeploymentHook${Names.uniqueId(service)}`) : service;
  const logGroup = new logs.LogGroup(scope, 'DeploymentHookLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
    encryptionKey: plan.logEncryptionKey,
  });
  const role = new iam.Role(scope, 'DeploymentHookRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Deployment smoke tests of ${service.node.path}`,
  });
  const policy = new iam.ManagedPolicy(scope, 'DeploymentHookPolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      // What Lambda needs to place the function in the VPC (AWSLambdaVPCAccessExecutionRole's actions).
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }),
    ],
  });
  acknowledge(policy, [{
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Lambda creates and deletes the function\'s network interfaces in the VPC with these EC2 actions, which take no resource ARN known before they run.',
  }]);
  const fn = new lambda.Function(scope, 'DeploymentHook', {
    runtime: HOOK_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'deployment-smoke-test')),
    role: role.withoutPolicyUpdates(),
    logGroup,
    // Each check tries 3 times, each try at most 5 s plus 2 s between tries (the handler's defaults).
    timeout: Duration.seconds(Math.min(900, Math.max(60, checks.length * 3 * 7 + 15))),
    memorySize: 128,
    vpc: plan.vpc,
    vpcSubnets: plan.subnets,
    securityGroups: [binding.hookSecurityGroup],
    description: `Smoke-tests a new revision of ${service.node.path} through the test listener rule`,
    environment: {
      SMOKE_TEST: Stack.of(scope).toJsonString({ baseUrl: binding.testBaseUrl, headers: binding.testHeaders, host, checks, ca: options.smokeTestCa }),
    },
  });
  fn.node.addDependency(policy);
  const hookReason = 'ECS invokes it synchronously once per deployment and waits for its answer (a failure rolls back)';
  acknowledge(fn, [
    { id: 'AwsSolutions-L1', reason: `Pinned to ${HOOK_RUNTIME.name}, the runtime the handler is tested on; the library moves it, not the app's aws-cdk-lib version.` },
    ...inCompliancePacks('LambdaConcurrency', `${hookReason}; reserved concurrency would only add a quota to manage.`, ['NIST.800.53.R5', 'HIPAA.Security']),
    ...inCompliancePacks('LambdaDLQ', `${hookReason}; there is no asynchronous event to queue.`, ['NIST.800.53.R5', 'HIPAA.Security']),
  ]);
  explainLogGroupKey(logGroup, plan.logEncryptionKey, 'Smoke test results (paths, statuses, timings) only; CloudWatch Logs encrypts them with service keys.');
  return fn;
}
