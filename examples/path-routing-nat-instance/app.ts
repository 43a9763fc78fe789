// Example: a front end, a backend API and an AI service on one load balancer, routed by path
// (/app/*, /api/*, /ai/*), on a NAT instance (t4g.nano). Seoul runs the system, us-east-1 its WAF.
// The backend is scraped into Prometheus; ALB logs land in the archive (Athena); alarms go to Slack.
// The AI service reads its API key from SSM Parameter Store (a SecureString: put it there first);
// the others call it over Service Connect (http://ai:8080). The items image stands in for all three.
// Each deploys another way (ECS native): blue/green, canary (10 % first), linear (25 % steps, test
// traffic on port 9080); a hook lists items through the test rule before production traffic moves.
// Deploy: aws ssm put-parameter --region ap-northeast-2 --type SecureString --name /path-routing/ai/api-key --value <key>
//         cd examples/path-routing-nat-instance && npx cdk deploy --all, then put the webhook URL in SlackWebhook
import { App, CfnOutput, Stack, aws_ecs as ecs, aws_ssm as ssm } from 'aws-cdk-lib';
import { CostProfile, NatMode, ServiceDeployment, TestTraffic, ThreeTierApp, ThreeTierEdgeStack, ThreeTierServiceDefinition } from '../../src';
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
      { ...routed('Frontend', '/app'), deployment: ServiceDeployment.blueGreen(smoke('/app')) },
      { ...routed('Backend', '/api'), deployment: ServiceDeployment.canary(smoke('/api')), prometheus: {} },
      {
        ...routed('Ai', '/ai', false),
        deployment: ServiceDeployment.linear({ ...smoke('/ai'), stepPercent: 25, testTraffic: TestTraffic.port(9080) }),
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

/** The deployment hook lists the service's items (its /healthz is not routed to it). */
const smoke = (basePath: string) => ({ smokeTests: [{ path: `${basePath}/items` }] });

/** One of the three, routed under `basePath`; the others call the AI service over Service Connect. */
function routed(id: string, basePath: string, callsAi = true): ThreeTierServiceDefinition {
  const service = itemsService('postgres', basePath);
  return { ...service, id, pathPatterns: [`${basePath}/*`], environment: { ...service.environment, ...callsAi ? { AI_URL: 'http://ai:8080' } : {} } };
}

if (require.main === module) createApp().synth();
