// Example: a fan site for a global audience. CloudFront (every edge location) serves the S3 site
// behind WAF; the items API on ECS scales out on CPU; Aurora PostgreSQL Serverless v2 holds the
// data, its master password in Secrets Manager (kept and rotated by RDS, read by the tasks);
// fans sign up and log in with Cognito, and only signed-in fans write (the service checks their
// tokens; an item's author alone may change or delete it); reads by id go through a serverless
// Valkey cache. CPU alarms (and every other alarm) go to Slack; the service's Grafana dashboard
// is a stack output. Seoul (ap-northeast-2) with WAF in us-east-1.
// Deploy: cd examples/global-fan-site && npx cdk deploy --all, then put the webhook URL in SlackWebhook
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CostProfile, DataStore, DatabaseAccess, ThreeTierApp, ThreeTierEdgeStack } from '../../src';
import { itemsService, slackWebhookSecret } from '../shared';

export function createApp(app: App = new App()): App {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const edge = new ThreeTierEdgeStack(app, 'FanSiteEdge', { env: { account, region: 'us-east-1' } });
  const stack = new Stack(app, 'FanSiteSystem', { env: { account, region: 'ap-northeast-2' }, crossRegionReferences: true });

  const system = new ThreeTierApp(stack, 'FanSite', {
    profile: CostProfile.production(),
    edge,
    database: DataStore.auroraPostgres({ maxCapacity: 32 }), // 0.5-32 ACUs, one reader (production profile)
    // Cognito user pool (email sign-in, MFA) and a client for the site; passwordAuth lets the
    // README's `aws cognito-idp initiate-auth` sign in from a terminal too.
    auth: { selfSignUp: true, passwordAuth: true },
    cache: {}, // ElastiCache Serverless for Valkey in the isolated subnets, IAM authentication
    // Developers reach Aurora and the cache from a laptop: Session Manager port forwarding through
    // an access host with no inbound port; attach the DevelopersPolicy output to their role.
    developerAccess: {},
    slackWebhookSecret: slackWebhookSecret(stack),
  });
  const api = system.addService('Api', {
    ...itemsService('postgres'),
    databaseAccess: DatabaseAccess.MASTER_SECRET, // DB_USER/DB_PASSWORD from the RDS-managed secret
    auth: true, // COGNITO_USER_POOL_ID/COGNITO_CLIENT_ID: writes need a fan's token
    cache: true, // CACHE_*: GET /items/{id} reads through the cache
    minTasks: 2,
    maxTasks: 20,
    scaling: { cpu: { target: 50 } }, // scale out before fans feel it
    alarms: { cpu: { threshold: 80, evaluationPeriods: 3 } }, // to the system topic, hence Slack
  });

  new CfnOutput(stack, 'Url', { value: system.url });
  new CfnOutput(stack, 'UserPoolId', { value: system.auth.userPool.userPoolId });
  new CfnOutput(stack, 'UserPoolClientId', { value: system.auth.userPoolClient.userPoolClientId });
  new CfnOutput(stack, 'CacheEndpoint', { value: system.cache.endpointAddress });
  new CfnOutput(stack, 'CacheName', { value: system.cache.cacheName });
  new CfnOutput(stack, 'DatabaseEndpoint', { value: system.dataTier.aurora.cluster.clusterEndpoint.hostname });
  new CfnOutput(stack, 'DeveloperAccessHost', { value: system.developerAccess.host.instanceId });
  new CfnOutput(stack, 'DevelopersCacheUser', { value: system.developerAccess.cacheUser.ref });
  new CfnOutput(stack, 'DevelopersPolicy', { value: system.developerAccess.policy.managedPolicyArn });
  new CfnOutput(stack, 'DatabaseSecretArn', { value: system.dataTier.aurora.masterSecret.secretArn });
  new CfnOutput(stack, 'GrafanaDashboard', { value: api.grafanaDashboardJson() });
  return app;
}

if (require.main === module) createApp().synth();
