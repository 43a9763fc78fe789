// Example: the items CRUD API (examples/items-service, Docker) on ECS behind the ALB, storing
// items in DynamoDB, at a custom domain. Seoul (ap-northeast-2) runs the system; us-east-1 holds
// the WAF web ACL and the CloudFront certificate, DNS-validated in your public hosted zone, where
// alias records then point the domain at CloudFront. One CloudWatch dashboard spans the tiers.
// Deploy: cd examples/items-dynamodb-domain && npx cdk deploy --all -c zoneId=<hosted zone id> -c zoneName=<zone name>
//         then call https://items.<zone name>/api/items
import { Annotations, App, CfnOutput, Stack, aws_route53 as route53 } from 'aws-cdk-lib';
import { CostProfile, DataStore, ThreeTierApp, ThreeTierEdgeStack } from '../../src';
import { itemsService } from '../shared';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const zoneName: string = app.node.tryGetContext('zoneName') ?? 'example.com';
  const hostedZoneId: string = app.node.tryGetContext('zoneId') ?? 'Z0123456789EXAMPLE';
  const placeholderZone = !app.node.tryGetContext('zoneId');

  const stack = new Stack(app, 'ItemsDynamoDbSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });
  // Route 53 is global: the imported zone serves both the certificate (us-east-1) and the aliases (Seoul).
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName });
  const edge = new ThreeTierEdgeStack(app, 'ItemsDynamoDbEdge', {
    env: { account, region: 'us-east-1' },
    domain: { domainName: `items.${zoneName}`, hostedZone }, // certificate here; ThreeTierApp takes it and the domain
  });

  // Synth works without a zone; a deploy would wait on a certificate nobody can validate.
  if (placeholderZone) Annotations.of(edge).addWarningV2('example:zone', 'Set -c zoneId=... -c zoneName=... (your public hosted zone) before deploying.');

  const system = new ThreeTierApp(stack, 'Items', {
    profile: CostProfile.development(),
    edge,
    database: DataStore.dynamoDb(), // partition key 'pk' (string), on-demand, point-in-time recovery
  });
  const api = system.addService('Api', itemsService('dynamodb')); // gets DYNAMODB_TABLE and read/write on items

  new CfnOutput(stack, 'Url', { value: `${system.url}/api/items` });
  new CfnOutput(stack, 'Table', { value: system.dataTier.dynamodb.table.tableName });
  new CfnOutput(stack, 'Dashboard', { value: system.dashboard.dashboardName });
  new CfnOutput(stack, 'ServiceDashboard', { value: api.dashboard.dashboardName });
  return app;
}

if (require.main === module) createApp().synth();
