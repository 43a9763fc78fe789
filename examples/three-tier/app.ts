// Example: the whole three-tier system, as our users deploy it. The system lives in Seoul
// (ap-northeast-2); its CloudFront web ACL lives in us-east-1, the only region CloudFront takes it
// from. The items service (../items-service: a REST API on Aurora PostgreSQL Serverless v2)
// answers /api/*, scraped by Prometheus; a static site from ./site calls /api/items on the same
// origin; alarms go to Slack; every log lands in the archive, queryable with Athena.
// Deploy: cd examples/three-tier && npx cdk deploy --all [-c profile=production]
//         [-c imageTag=<tag>]  (an image CI pushed to the service's own ECR repository; see ../github-actions)
//         then put the Slack incoming-webhook URL in the SlackWebhook secret.
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CostProfile, ThreeTierApp, ThreeTierEdgeStack } from '../../src';
import { itemsService, slackWebhookSecret } from '../shared';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const profile = app.node.tryGetContext('profile') === 'production' ? CostProfile.production() : CostProfile.development();

  // us-east-1: the WAF web ACL (and the certificate, when you add a domain).
  const edge = new ThreeTierEdgeStack(app, 'ThreeTierEdge', { env: { account, region: 'us-east-1' } });

  // Seoul: everything else. crossRegionReferences lets it read the web ACL's ARN from us-east-1.
  const stack = new Stack(app, 'ThreeTierSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });

  // The image: built from ../items-service by cdk deploy until CI has pushed one to the service's
  // own repository; then -c imageTag=<commit SHA> runs that one.
  const imageTag: string | undefined = app.node.tryGetContext('imageTag');

  const system = new ThreeTierApp(stack, 'System', {
    profile,
    edge,
    siteDirectory: path.join(__dirname, 'site'),
    slackWebhookSecret: slackWebhookSecret(stack),
    services: [{
      id: 'Items',
      ...itemsService('postgres', '/api'),
      imageRepository: { repositoryName: 'items-service' },
      imageTag,
      pathPatterns: ['/api/*'],
      prometheus: {}, // an ADOT sidecar scrapes /metrics into Amazon Managed Service for Prometheus
      // Audited ECS Exec: sessions encrypted with KMS, logged to a log group that streams into the archive.
      enableExecuteCommand: true,
    }],
  });
  const items = system.appTier.services[0];

  new CfnOutput(stack, 'Url', { value: system.url });
  new CfnOutput(stack, 'ItemsApi', { value: `${system.url}/api/items` });
  new CfnOutput(stack, 'Dashboard', { value: system.dashboard.dashboardName });
  new CfnOutput(stack, 'AlarmTopic', { value: system.alarmTopic.topicArn });
  new CfnOutput(stack, 'PrometheusWorkspace', { value: items.prometheusWorkspace.attrPrometheusEndpoint });
  new CfnOutput(stack, 'ImageRepository', { value: items.imageRepository.repository.repositoryUri });
  new CfnOutput(stack, 'AthenaWorkGroup', { value: system.logArchive.workGroupName });
  return app;
}

if (require.main === module) createApp().synth();
