// Domains AWS would reject fail at synth, on ThreeTierApp and on the edge stack alike (issue #16,
// domains): `<construct path>: <prop> <value> is invalid: <rule>. <how to fix>`.
import { App, Lazy, Stack, aws_route53 as route53 } from 'aws-cdk-lib';
import { ACCOUNT, itemsService } from './three-tier-app.fixtures';
import { CostProfile, DataStore, ThreeTierApp, ThreeTierEdgeStack, ThreeTierServiceDefinition } from '../src';

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
