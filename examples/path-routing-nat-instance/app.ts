// Example: a front end, a backend API and an AI service on one load balancer, routed by path
// (/app/*, /api/*, /ai/*), on a NAT instance (t4g.nano) instead of NAT gateways. Seoul
// (ap-northeast-2) runs the system, us-east-1 its WAF web ACL. The backend is scraped into
// Prometheus; ALB access logs land in the log archive (Athena table alb_access_logs); alarms go
// to Slack; CloudFront sends each service's path to the load balancer. The AI service reads its
// API key from SSM Parameter Store (a SecureString, which CloudFormation cannot create: put it
// there first). The front end and the backend call the AI service over Service Connect
// (http://ai:8080, AI_URL), not through the load balancer. The items image stands in for all three.
// Deploy: aws ssm put-parameter --region ap-northeast-2 --type SecureString --name /path-routing/ai/api-key --value <key>
//         cd examples/path-routing-nat-instance && npx cdk deploy --all, then put the webhook URL in SlackWebhook
import { App, CfnOutput, Stack, aws_ecs as ecs, aws_ssm as ssm } from 'aws-cdk-lib';
import { CostProfile, NatMode, ThreeTierApp, ThreeTierEdgeStack, ThreeTierServiceOptions } from '../../src';
import { itemsService, slackWebhookSecret } from '../shared';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const edge = new ThreeTierEdgeStack(app, 'PathRoutingEdge', { env: { account, region: 'us-east-1' } });
  const stack = new Stack(app, 'PathRoutingSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });
  const aiApiKey = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'AiApiKey', { parameterName: '/path-routing/ai/api-key' });

  const system = new ThreeTierApp(stack, 'Portal', {
    profile: CostProfile.development(),
    edge,
    natMode: NatMode.instance(), // one t4g.nano for every AZ (the development profile's choice too)
    slackWebhookSecret: slackWebhookSecret(stack),
    // A Cloud Map namespace for the cluster; every service is a Service Connect client.
    serviceConnect: {},
    services: [
      { id: 'Frontend', ...withAiUrl(itemsService('postgres', '/app')), pathPatterns: ['/app/*'] },
      { id: 'Backend', ...withAiUrl(itemsService('postgres', '/api')), pathPatterns: ['/api/*'], prometheus: {} },
      {
        id: 'Ai',
        ...itemsService('postgres', '/ai'),
        pathPatterns: ['/ai/*'],
        secrets: { AI_API_KEY: ecs.Secret.fromSsmParameter(aiApiKey) },
        serviceConnectName: 'ai', // the others call it at http://ai:8080; its tasks admit theirs only
      },
    ],
  });

  new CfnOutput(stack, 'Url', { value: `${system.url}/app/items` }); // the stand-in front end's one route
  new CfnOutput(stack, 'AthenaWorkGroup', { value: system.logArchive.workGroupName });
  new CfnOutput(stack, 'AlbAccessLogsTable', { value: `${system.logArchive.glueDatabaseName}.alb_access_logs` });
  return app;
}

/** A service that calls the AI service over Service Connect. */
function withAiUrl(service: ThreeTierServiceOptions): ThreeTierServiceOptions {
  return { ...service, environment: { ...service.environment, AI_URL: 'http://ai:8080' } };
}

if (require.main === module) createApp().synth();
