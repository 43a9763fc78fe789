// Integration test: a public nginx image as a MonitoredEcsService on a shared HTTP listener;
// asserts through the load balancer that the service answers 200.
// Snapshot: `npx projen integ:update` (dry run, never deploys). Verify: `npx projen integ`.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { LogArchiveBucket, MonitoredEcsService, ServiceLoadBalancer } from '../src';

const app = new App();
const stack = new Stack(app, 'MonitoredEcsServiceInteg');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
const archive = new LogArchiveBucket(stack, 'Logs', { removalPolicy: RemovalPolicy.DESTROY });

// A plain HTTP listener: the test has no domain for a certificate.
const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, dropInvalidHeaderFields: true });
archive.addApplicationLoadBalancer(alb);
const listener = alb.addListener('Http', {
  port: 80,
  defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'no route' }),
});

new MonitoredEcsService(stack, 'Web', {
  vpc,
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
  containerPort: 80,
  loadBalancer: ServiceLoadBalancer.sharedListener(listener, { priority: 10, pathPatterns: ['/*'] }),
  minTasks: 1,
  maxTasks: 2,
  // nginx writes its cache and pid file; everything else stays read-only.
  scratchPaths: ['/tmp', '/var/cache/nginx', '/var/run'],
});

const integ = new IntegTest(app, 'MonitoredEcsService', { testCases: [stack] });
integ.assertions
  .httpApiCall(`http://${alb.loadBalancerDnsName}/`)
  .expect(ExpectedResult.objectLike({ status: 200 }));

app.synth();
