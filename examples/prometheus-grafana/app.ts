// Example: a web/app/db three-tier system watched with Prometheus and Grafana, its logs in S3 for
// Athena. Seoul (ap-northeast-2) runs CloudFront + S3 (web), the items service on ECS (app) and
// Aurora PostgreSQL (db); the WAF web ACL lives in us-east-1. An ADOT collector sidecar scrapes
// the service's /metrics into Amazon Managed Service for Prometheus; an Amazon Managed Grafana
// workspace (IAM Identity Center sign-in) reads CloudWatch, that Prometheus workspace and the
// logs through Athena. ALB, CloudFront, VPC flow and container logs land in the S3 log archive,
// each with an Athena table (alb_access_logs, cloudfront_logs, vpc_flow_logs, cloudwatch_logs).
// Deploy: cd examples/prometheus-grafana && npx cdk deploy --all (IAM Identity Center enabled first)
//         then npx cdk-three-tier-grafana-import --stack PrometheusGrafanaSystem --region ap-northeast-2
//         (from this repository: node ../../tools/grafana-import.mjs ...) for the data sources and
//         dashboards, and query the logs in the AthenaWorkGroup output (e.g. its saved alb-top-5xx-paths).
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CostProfile, DataStore, GrafanaAuthentication, ThreeTierApp, ThreeTierEdgeStack } from '../../src';
import { itemsService } from '../shared';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const edge = new ThreeTierEdgeStack(app, 'PrometheusGrafanaEdge', { env: { account, region: 'us-east-1' } });
  const stack = new Stack(app, 'PrometheusGrafanaSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });

  const system = new ThreeTierApp(stack, 'Shop', {
    profile: CostProfile.development(),
    edge,
    database: DataStore.auroraPostgres(),
    grafana: { authentication: GrafanaAuthentication.identityCenter() },
  });
  const items = system.addService('Items', {
    ...itemsService('postgres'),
    prometheus: { path: '/metrics' }, // an ADOT sidecar scrapes it into a new AMP workspace
  });

  new CfnOutput(stack, 'Url', { value: system.url });
  new CfnOutput(stack, 'PrometheusEndpoint', { value: items.prometheusWorkspace.attrPrometheusEndpoint });
  new CfnOutput(stack, 'GrafanaUrl', { value: system.grafana.url });
  new CfnOutput(stack, 'GrafanaDashboard', { value: items.grafanaDashboardJson() });
  new CfnOutput(stack, 'AthenaWorkGroup', { value: system.logArchive.workGroupName });
  new CfnOutput(stack, 'AthenaDatabase', { value: system.logArchive.glueDatabaseName });
  return app;
}

if (require.main === module) createApp().synth();
