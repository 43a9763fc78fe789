// Domains AWS would reject fail at synth, on ThreeTierApp and on the edge stack alike (issue #16,
// domains): `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`.
import { App, Lazy, Stack, aws_ec2 as ec2, aws_logs as logs, aws_route53 as route53 } from 'aws-cdk-lib';
import { ACCOUNT, itemsService, seoulApp, virginiaApp } from './three-tier-app.fixtures';
import { CostProfile, DataStore, DatabaseAccess, NatMode, Network, ThreeTierApp, ThreeTierEdgeStack, ThreeTierServiceDefinition } from '../src';

const zoneIn = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
const onApp = (domainName: string) => () => {
  const stack = new Stack(new App(), 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new ThreeTierApp(stack, 'Shop', { services: [itemsService], domain: { domainName, hostedZone: zoneIn(stack) } });
};
const onEdge = (domainName: string) => () => {
  const app = new App();
  const zones = new Stack(app, 'Zones', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new ThreeTierEdgeStack(app, 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' }, domain: { domainName, hostedZone: zoneIn(zones) } });
};

const ROWS: Array<[string, string, string, RegExp]> = [
  ['a scheme', 'https://shop.example.com', 'shop.example.com', /domain.domainName "https:\/\/shop.example.com" is invalid: a domain is a bare DNS name.*Give it as 'shop.example.com'/],
  ['a port', 'shop.example.com:443', 'www.shop.example.com', /domain.domainName "shop.example.com:443" is invalid/],
  ['a path', 'shop.example.com/app', 'example.com', /domain.domainName "shop.example.com\/app" is invalid/],
  ['a label starting with a hyphen', '-shop.example.com', 'shop-1.example.com', /domain.domainName "-shop.example.com" is invalid/],
  ['a label of 64 characters', `${'a'.repeat(64)}.b.example.com`, `${'a'.repeat(50)}.b.example.com`, /is invalid: a domain is a bare DNS name/],
  ['more than ACM\'s 64 characters', `${'a'.repeat(53)}.example.com`, `${'a'.repeat(52)}.example.com`, /is invalid: ACM names a certificate's domain in at most 64 characters/],
  ['a name outside the hosted zone', 'shop.example.org', '*.example.com', /domain.domainName "shop.example.org" is invalid: the domain is not inside the hosted zone example.com.*Use a name ending in 'example.com'/],
  ['a look-alike outside the zone', 'shopexample.com', 'Shop.Example.com', /domain.domainName "shopexample.com" is invalid: the domain is not inside the hosted zone/],
];

describe.each([
  ['ThreeTierApp', onApp, /^System\/Shop: /],
  ['ThreeTierEdgeStack', onEdge, /^Edge: /],
])('%s domain', (_where, build, at) => {
  test.each(ROWS)('AWS constraint: a domain with %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(build(bad)).toThrow(message);
    expect(build(bad)).toThrow(at);
    expect(build(good)).not.toThrow();
  });
});

test('a domain that is a token is left to AWS', () => {
  expect(onEdge(Lazy.string({ produce: () => 'https://not a domain' }))).not.toThrow();
});

describe('Aurora names and capacity', () => {
  const withDatabase = (options: object, profile = CostProfile.development()) => () => {
    const stack = new Stack(new App(), 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new ThreeTierApp(stack, 'Shop', { services: [itemsService], profile, database: DataStore.auroraPostgres(options) });
  };

  test.each([
    ['a database name the engine keeps (postgres)', { databaseName: 'postgres' }, { databaseName: 'shop' }, /^System\/Shop\/Data: databaseName "postgres" is invalid: the engine reserves this name/],
    ['a database name that is an SQL keyword', { databaseName: 'select' }, { databaseName: 'selection' }, /databaseName "select" is invalid: the engine reserves this name/],
    ['a database name of 64 characters (PostgreSQL: 63)', { databaseName: 'a'.repeat(64) }, { databaseName: 'a'.repeat(63) }, /databaseName "a{64}" is invalid: an Aurora database name starts with a letter and has 1-63/],
    ['a master user name the engine keeps (rdsadmin)', { masterUsername: 'rdsadmin' }, { masterUsername: 'shop_admin' }, /masterUsername "rdsadmin" is invalid: the engine reserves this name/],
    ['a master user name of 17 characters', { masterUsername: 'a'.repeat(17) }, { masterUsername: 'a'.repeat(16) }, /masterUsername "a{17}" is invalid: an Aurora master user name starts with a letter and has 1-16/],
    ['a master user name with a hyphen', { masterUsername: 'shop-admin' }, { masterUsername: 'shop_admin' }, /masterUsername "shop-admin" is invalid/],
  ])('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(withDatabase(bad)).toThrow(message);
    expect(withDatabase(good)).not.toThrow();
  });

  test('minCapacity above the profile\'s maxCapacity names minCapacity, the prop the user set', () => {
    expect(withDatabase({ minCapacity: 64 })).toThrow(/^System\/Shop\/Data: minCapacity 64 is invalid: the minimum capacity is above the maximum \(.* ACUs, the profile's default\)\. Lower minCapacity, or set maxCapacity to 64 or more/);
  });
});

describe('routing on the shared listener', () => {
  const withServices = (services: ThreeTierServiceDefinition[]) => () => {
    const stack = new Stack(new App(), 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new ThreeTierApp(stack, 'Shop', { services, apiPathPattern: '/app/*' });
  };
  const svc = (id: string, priority: number, pathPatterns: string[]): ThreeTierServiceDefinition => ({ ...itemsService, id, priority, pathPatterns });

  test('AWS constraint (ALB rule order): a catch-all path before a specific one fails, naming both services', () => {
    expect(withServices([svc('Web', 10, ['/*']), svc('Api', 20, ['/app/api/*'])]))
      .toThrow(/^System\/Shop\/App: service 'Web' pathPatterns \["\/\*"\] is invalid: at priority 10 it takes every request before service 'Api' \(priority 20\) is considered\. Give 'Web' a priority above every other service's/);
  });

  test('the same, whichever service is added first', () => {
    expect(withServices([svc('Api', 20, ['/app/api/*']), svc('Web', 10, ['/*'])])).toThrow(/service 'Web' pathPatterns \["\/\*"\] is invalid: at priority 10 it takes every request before service 'Api'/);
  });

  test('a catch-all evaluated last is valid', () => {
    expect(withServices([svc('Api', 10, ['/app/api/*']), svc('Web', 20, ['/*'])])).not.toThrow();
  });
});

describe('edge web ACL', () => {
  test.each([
    ['a rate limit below 10', { rateLimitPer5Minutes: 9 }, { rateLimitPer5Minutes: 10 },
      /^Edge\/WebAcl: rateLimitPer5Minutes 9 is invalid: a WAF rate limit \(requests from one IP in 5 minutes\) must be a whole number from 10 to 2000000000/],
    ['a rate limit above 2,000,000,000', { rateLimitPer5Minutes: 2_000_000_001 }, { rateLimitPer5Minutes: 2_000_000_000 }, /rateLimitPer5Minutes 2000000001 is invalid/],
    ['a fractional rate limit', { rateLimitPer5Minutes: 100.5 }, { rateLimitPer5Minutes: 100 }, /rateLimitPer5Minutes 100.5 is invalid/],
    ['a log retention CloudWatch Logs does not offer', { logRetention: 45 as logs.RetentionDays }, { logRetention: logs.RetentionDays.TWO_MONTHS },
      /^Edge\/WebAcl: logRetention 45 is invalid: CloudWatch Logs keeps logs for one of .*Use 30 days \(RetentionDays.ONE_MONTH\) or 60 days/],
  ])('AWS constraint: %s fails, naming the prop and the value', (_rule, bad, good, message) => {
    expect(() => seoulApp({}, { webAcl: bad })).toThrow(message);
    expect(() => seoulApp({}, { webAcl: good })).not.toThrow();
  });
});

describe('network props that cannot apply together', () => {
  const withVpc = (props: object) => () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new Network(stack, 'Net', { vpc, ...props });
  };
  test.each([
    ['natMode', { natMode: NatMode.singleGateway() }, /^S\/Net: natMode "NatMode\.singleGateway\(\)" is invalid: natMode shapes a new VPC, and vpc is given, so it would be ignored\. Remove natMode \(or vpc\)/],
    ['maxAzs', { maxAzs: 2 }, /^S\/Net: maxAzs 2 is invalid: maxAzs shapes a new VPC/],
    ['ipAddresses', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16') }, /^S\/Net: ipAddresses "given" is invalid: ipAddresses shapes a new VPC/],
  ])('%s with a vpc fails, naming the prop to remove', (_prop, bad, message) => {
    expect(withVpc(bad)).toThrow(message);
    expect(withVpc({})).not.toThrow();
  });

  test.each([[1, 2], [4, 3], [2.5, 3]])('AWS constraint: maxAzs %d fails (an ALB and Aurora need two AZs)', (bad, good) => {
    expect(() => virginiaApp({ maxAzs: bad })).toThrow(new RegExp(`^System/App/Network: maxAzs ${bad} is invalid: a system spans 2 or 3 Availability Zones`));
    expect(() => virginiaApp({ maxAzs: good })).not.toThrow();
  });
});

describe('databaseUser', () => {
  const withUser = (service: Partial<ThreeTierServiceDefinition>, database?: DataStore) => () =>
    virginiaApp({ database, services: [{ ...itemsService, ...service }] });

  test.each([
    ['without IAM access (it would be ignored)', { databaseUser: 'items' }, { databaseUser: 'items', databaseAccess: DatabaseAccess.IAM }, undefined,
      /^System\/App\/Items: databaseUser "items" is invalid: it is used only with databaseAccess: DatabaseAccess.IAM on Aurora, and this service has databaseAccess master-secret, so it would be ignored\. Set databaseAccess: DatabaseAccess.IAM, or remove databaseUser/],
    ['on DynamoDB (it would be ignored)', { databaseUser: 'items', databaseAccess: DatabaseAccess.IAM }, { databaseAccess: DatabaseAccess.IAM }, DataStore.dynamoDb(),
      /databaseUser "items" is invalid: .*this service has DynamoDB, so it would be ignored\. Remove databaseUser/],
    ['with a hyphen', { databaseUser: 'items-api', databaseAccess: DatabaseAccess.IAM }, { databaseUser: 'items_api', databaseAccess: DatabaseAccess.IAM }, undefined,
      /databaseUser "items-api" is invalid: a aurora-postgresql user name .*has 1-63 letters.*Use a name such as 'items_api'/],
    ['of 33 characters on MySQL', { databaseUser: 'a'.repeat(33), databaseAccess: DatabaseAccess.IAM }, { databaseUser: 'a'.repeat(32), databaseAccess: DatabaseAccess.IAM },
      DataStore.auroraMysql(), /databaseUser "a{33}" is invalid: a aurora-mysql user name .*has 1-32 letters/],
  ])('%s fails, naming the prop and the value', (_rule, bad, good, database, message) => {
    expect(withUser(bad, database)).toThrow(message);
    expect(withUser(good, database)).not.toThrow();
  });
});

describe('web tier regions and paths', () => {
  test('AWS constraint: CloudFront takes a web ACL from us-east-1 only: WAF on, outside us-east-1, without an edge stack fails naming wafEnabled', () => {
    const build = (wafEnabled?: boolean) => () => new ThreeTierApp(new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'ap-northeast-2' } }), 'App', { wafEnabled });
    expect(build()).toThrow(/^S\/App\/Web: wafEnabled true is invalid: CloudFront takes a WAF web ACL from us-east-1 only, and this stack is in ap-northeast-2\. Create a ThreeTierEdgeStack/);
    expect(build(false)).not.toThrow();
  });

  test.each([
    ['without a leading slash', 'api/*', '/api/*', /apiPathPattern "api\/\*" is invalid: a CloudFront path pattern starts with '\/' and has at most 255 characters/],
    ['of 256 characters', `/${'a'.repeat(253)}/*`, `/${'a'.repeat(252)}/*`, /apiPathPattern "\/a{253}\/\*" is invalid/],
  ])('AWS constraint: an API path pattern %s fails', (_rule, bad, good, message) => {
    expect(() => virginiaApp({ apiPathPattern: bad })).toThrow(message);
    expect(() => virginiaApp({ apiPathPattern: good })).not.toThrow();
  });
});

test('an interface endpoint id taken by another endpoint fails, naming the id and the network', () => {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const network = new Network(stack, 'Net');
  network.addInterfaceEndpoint('Queue', ec2.InterfaceVpcEndpointAwsService.SQS);
  expect(network.addInterfaceEndpoint('Other', ec2.InterfaceVpcEndpointAwsService.SQS)).toBe(network.addInterfaceEndpoint('Queue', ec2.InterfaceVpcEndpointAwsService.SQS));
  expect(() => network.addInterfaceEndpoint('Queue', ec2.InterfaceVpcEndpointAwsService.SNS))
    .toThrow(/^S\/Net: interface endpoint id "Queue" is invalid: another interface endpoint of S\/Net already has it/);
  expect(() => network.addInterfaceEndpoint('', ec2.InterfaceVpcEndpointAwsService.SNS)).toThrow(/interface endpoint id "" is invalid/);
  expect(() => network.addInterfaceEndpoint('Topics', ec2.InterfaceVpcEndpointAwsService.SNS)).not.toThrow();
});
