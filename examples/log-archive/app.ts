// Example: the log archive of a small web system.
// A VPC whose flow logs, load balancer access logs and application log group all land in one
// LogArchiveBucket, queryable with Athena (workgroup and named queries included).
// Deploy: cd examples/log-archive && npx cdk deploy   (needs an AWS account; synth does not)
import { App, CfnOutput, Stack, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_logs as logs } from 'aws-cdk-lib';
import { LogArchiveBucket } from '../../src';
import { explain, explainPublicNetwork, inPacks } from '../shared';

export function createApp(app: App = new App()): App {
  const stack = new Stack(app, 'LogArchiveExample', { env: { region: 'ap-northeast-2' } });

  const archive = new LogArchiveBucket(stack, 'Logs');

  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  archive.addVpcFlowLogs(vpc);

  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', {
    vpc,
    internetFacing: true,
    dropInvalidHeaderFields: true,
    deletionProtection: true,
  });
  archive.addApplicationLoadBalancer(alb);

  const appLogs = new logs.LogGroup(stack, 'AppLogs', { retention: logs.RetentionDays.ONE_YEAR });
  archive.addLogGroup(appLogs);

  // Findings about this example's own network and app resources (the library explains its own
  // inside LogArchiveBucket), written so that cdk-nag 2 and 3 and cfn-guard all read them.
  explainPublicNetwork(vpc, 'they host the internet-facing load balancer only');
  explain(alb, 'This example shows logging; the web tier example puts WAF in front.', { nag: inPacks('ALBWAFEnabled', ['NIST.800.53.R5', 'PCI.DSS.321']) });
  explain(appLogs, 'Example log group; CloudWatch Logs encrypts it with service keys.', {
    nag: inPacks('CloudWatchLogGroupEncrypted'), guard: ['cloudwatch_log_group_encrypted_check'],
  });

  new CfnOutput(stack, 'ArchiveBucket', { value: archive.bucket.bucketName });
  new CfnOutput(stack, 'AthenaWorkGroup', { value: archive.workGroup.ref });
  return app;
}

if (require.main === module) createApp().synth();
