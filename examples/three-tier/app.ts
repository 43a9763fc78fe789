// Example: the whole three-tier system as the seeds deploy it. The system lives in Seoul
// (ap-northeast-2); its CloudFront web ACL lives in us-east-1, the only region CloudFront takes
// it from. One small API service answers /api/*, a static site is deployed from ./site, data is
// in Aurora PostgreSQL Serverless v2, every log lands in the archive, alarms go to Slack.
// Deploy: cd examples/three-tier && npx cdk deploy --all [-c profile=production]
//         then put the Slack incoming-webhook URL in the SlackWebhook secret.
import * as path from 'path';
import { App, CfnOutput, Stack, Validations, aws_ecs as ecs, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { CostProfile, ThreeTierApp, ThreeTierEdgeStack } from '../../src';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const profile = app.node.tryGetContext('profile') === 'production' ? CostProfile.production() : CostProfile.development();

  // us-east-1: the WAF web ACL (and the certificate, when you add a domain).
  const edge = new ThreeTierEdgeStack(app, 'ThreeTierEdge', { env: { account, region: 'us-east-1' } });

  // Seoul: everything else. crossRegionReferences lets it read the web ACL's ARN from us-east-1.
  const stack = new Stack(app, 'ThreeTierSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });
  const slackWebhook = new secretsmanager.Secret(stack, 'SlackWebhook', { description: 'Slack incoming webhook URL' });

  const system = new ThreeTierApp(stack, 'System', {
    profile,
    edge,
    siteDirectory: path.join(__dirname, 'site'),
    slackWebhookSecret: slackWebhook,
    services: [{
      id: 'Api',
      image: ecs.ContainerImage.fromAsset(path.join(__dirname, 'api')),
      containerPort: 8080,
      pathPatterns: ['/api/*'],
      healthCheck: { path: '/healthz' },
      user: '1000:1000',
      scratchPaths: [], // the API writes no files
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      cpu: 256,
      memoryLimitMiB: 512,
    }],
  });

  // Findings about this example's own secret (the library's are acknowledged inside it).
  const reason = 'A Slack webhook URL is rotated in Slack, not by Secrets Manager; the default key is enough for it.';
  for (const id of ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled',
    'NIST.800.53.R5-SecretsManagerUsingKMSKey', 'HIPAA.Security-SecretsManagerUsingKMSKey', 'PCI.DSS.321-SecretsManagerUsingKMSKey']) {
    Validations.of(slackWebhook).acknowledge({ id, reason });
  }

  new CfnOutput(stack, 'Url', { value: system.url });
  new CfnOutput(stack, 'Dashboard', { value: system.dashboard.dashboardName });
  new CfnOutput(stack, 'AlarmTopic', { value: system.alarmTopic.topicArn });
  return app;
}

if (require.main === module) createApp().synth();
