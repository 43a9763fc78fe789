// Example: one production API service on Fargate behind its own HTTPS load balancer.
// Autoscaling, rollback on failed deployments, golden-signal alarms to an encrypted topic and to
// Slack (incoming webhook in Secrets Manager), Prometheus scraping into Amazon Managed Service for
// Prometheus, a CloudWatch dashboard, a Grafana dashboard, and ALB/app logs in a LogArchiveBucket.
// Its clients authenticate with certificates (mutual TLS): client-ca.pem is a stand-in CA, whose
// key was thrown away; put your clients' CA there (or pass -c clientCa=<path>).
// Deploy: cd examples/monitored-service && npx cdk deploy -c certificateArn=arn:aws:acm:...
import * as path from 'path';
import {
  App, CfnOutput, Stack, aws_applicationautoscaling as appscaling, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecs as ecs,
} from 'aws-cdk-lib';
import { LogArchiveBucket, MonitoredEcsService, MutualTls, ServiceLoadBalancer } from '../../src';
import { explain, explainPublicNetwork, slackWebhookSecret } from '../shared';

export function createApp(app: App = new App()): App {
  const stack = new Stack(app, 'MonitoredServiceExample', { env: { region: 'ap-northeast-2' } });
  const certificateArn = app.node.tryGetContext('certificateArn')
    ?? 'arn:aws:acm:ap-northeast-2:111111111111:certificate/00000000-0000-0000-0000-000000000000';

  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  const logs = new LogArchiveBucket(stack, 'Logs');
  logs.addVpcFlowLogs(vpc);

  // The secret holds the Slack incoming-webhook URL; set its value after the first deploy.
  const slackWebhook = slackWebhookSecret(stack);

  const api = new MonitoredEcsService(stack, 'Api', {
    vpc,
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    containerPort: 80,
    loadBalancer: ServiceLoadBalancer.newLoadBalancer({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', certificateArn),
      logArchive: logs,
      // Only clients with a certificate of this CA get through; HSTS and no server header are defaults.
      mutualTls: MutualTls.verify({ caBundleFile: app.node.tryGetContext('clientCa') ?? path.join(__dirname, 'client-ca.pem') }),
    }),
    cpuArchitecture: ecs.CpuArchitecture.ARM64,
    minTasks: 2,
    maxTasks: 8,
    spotShare: 0.5,
    scratchPaths: ['/tmp', '/var/cache/nginx', '/var/run'],
    logArchive: logs,
    slackWebhookSecret: slackWebhook,
    prometheus: { port: 80, path: '/metrics' },
    alarms: { p99Latency: { threshold: 1000 } },
  });
  // A known peak: more tasks for the evening sale, back to normal afterwards (UTC).
  api.addScalingWindow('EveningSale', {
    start: appscaling.Schedule.cron({ hour: '9', minute: '45' }),
    end: appscaling.Schedule.cron({ hour: '13', minute: '0' }),
    minTasks: 6,
  });

  // Findings about this example's own resources (the library explains its own inside it),
  // written so that cdk-nag 2 and 3 and cfn-guard all read them.
  explainPublicNetwork(vpc, 'they hold the internet-facing load balancer and the NAT gateway only');
  explain(api.taskDefinition, 'The stock nginx image starts as root to bind port 80; an image of your own runs as a non-root user (MonitoredEcsService user).',
    { guard: ['ecs_task_definition_nonroot_user_check'] });

  new CfnOutput(stack, 'LoadBalancerDns', { value: api.loadBalancer.loadBalancerDnsName });
  new CfnOutput(stack, 'GrafanaDashboard', { value: api.grafanaDashboardJson() });
  return app;
}

if (require.main === module) createApp().synth();
