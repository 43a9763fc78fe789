// Integration test: the whole system in one us-east-1 stack (WAF and certificate may live there),
// development profile, DynamoDB, a site folder and a small echo service. Asserts through
// CloudFront that the site's index page is served and that /api/... reaches the service.
// Snapshot: `npx projen integ:update` (dry run, never deploys). Verify: `npx projen integ`.
import * as path from 'path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { CostProfile, DataStore, LogArchiveBucket, ThreeTierApp } from '../src';

const app = new App();
const stack = new Stack(app, 'ThreeTierAppInteg', { env: { region: 'us-east-1' } });
const system = new ThreeTierApp(stack, 'System', {
  profile: CostProfile.development(),
  // The test must clean up after itself; real systems keep their data and logs.
  logArchive: new LogArchiveBucket(stack, 'Logs', { removalPolicy: RemovalPolicy.DESTROY }),
  database: DataStore.dynamoDb({ removalPolicy: RemovalPolicy.DESTROY }),
  siteDirectory: path.join(__dirname, '..', 'examples', 'three-tier', 'site'),
  services: [{
    id: 'Echo',
    image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'examples', 'three-tier', 'api')),
    pathPatterns: ['/api/*'],
    healthCheck: { path: '/healthz' },
    user: '1000:1000',
    scratchPaths: [], // the echo service writes no files
  }],
});

// The assertions read the distribution's domain, so they need the same explicit region.
const assertionStack = new Stack(app, 'ThreeTierAppAssertions', { env: { region: 'us-east-1' } });
const integ = new IntegTest(app, 'ThreeTierApp', { testCases: [stack], assertionStack });
const headers = { 'User-Agent': 'cdk-three-tier-integ' };
integ.assertions
  .httpApiCall(`${system.url}/`, { headers })
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('three-tier site') }));
integ.assertions
  .httpApiCall(`${system.url}/items/42`, { headers })
  .expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp('three-tier site') }));
integ.assertions
  .httpApiCall(`${system.url}/api/hello`, { headers })
  .expect(ExpectedResult.objectLike({ status: 200, body: { method: 'GET', path: '/api/hello' } }));

app.synth();
