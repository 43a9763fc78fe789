// Integration test: the whole system in one us-east-1 stack (WAF and certificate may live there),
// development profile, DynamoDB, a site folder and the items service (examples/items-service).
// Asserts through CloudFront that the site's index page is served, that /api/items reaches the
// service and its table (a 404 for a missing item, a 201 for a new one).
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
    id: 'Items',
    image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'examples', 'items-service')),
    environment: { ITEMS_STORE: 'dynamodb', BASE_PATH: '/api' },
    pathPatterns: ['/api/*'],
    healthCheck: { path: '/healthz' },
    user: '1000:1000',
    scratchPaths: [], // the service writes no files
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
// The service's own 404 (not the listener's default) means it reached DynamoDB and found no item.
integ.assertions
  .httpApiCall(`${system.url}/api/items/00000000-0000-4000-8000-000000000000`, { headers })
  .expect(ExpectedResult.objectLike({ status: 404, body: { error: { code: 'not_found', message: 'Item not found' } } }));
integ.assertions
  .httpApiCall(`${system.url}/api/items`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'integ item', price: 1.5 }),
  })
  .expect(ExpectedResult.objectLike({ status: 201, body: { name: 'integ item', price: 1.5, version: 1 } }));

app.synth();
