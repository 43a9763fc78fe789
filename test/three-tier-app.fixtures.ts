import * as path from 'path';
import { App, Stack, aws_ecs as ecs, aws_route53 as route53 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ThreeTierApp, ThreeTierAppProps, ThreeTierEdgeStack, ThreeTierEdgeStackProps, ThreeTierServiceDefinition } from '../src';

export const ACCOUNT = '123456789012';
/** The example's static site, for siteDirectory. */
export const SITE = path.join(__dirname, '..', 'examples', 'three-tier', 'site');
export const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');
export const itemsService: ThreeTierServiceDefinition = {
  id: 'Items', image, containerPort: 8080, user: '101:101', pathPatterns: ['/api/items', '/api/items/*'], healthCheck: { path: '/healthz' },
};

/**
 * The seeds' layout: the system in Seoul, its edge (WAF, certificate) in us-east-1. Props may be
 * computed from the system's stack (e.g. to import a secret there).
 */
export function seoulApp(props: ThreeTierAppProps | ((stack: Stack) => ThreeTierAppProps) = {}, edgeProps: ThreeTierEdgeStackProps = {}) {
  const app = new App();
  const edge = new ThreeTierEdgeStack(app, 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' }, ...edgeProps });
  const stack = new Stack(app, 'System', { env: { account: ACCOUNT, region: 'ap-northeast-2' }, crossRegionReferences: true });
  const resolved = typeof props === 'function' ? props(stack) : props;
  const system = new ThreeTierApp(stack, 'App', { edge, services: [itemsService], ...resolved });
  return { app, edge, stack, system };
}

/** An imported public hosted zone for example.com (no lookup). */
export function exampleZone(): route53.IHostedZone {
  const stack = new Stack(new App(), 'Zones', { env: { account: ACCOUNT, region: 'us-east-1' } });
  return zone(stack);
}

/** Everything in one us-east-1 stack. */
export function virginiaApp(props: ThreeTierAppProps = {}) {
  const app = new App();
  const stack = new Stack(app, 'System', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const system = new ThreeTierApp(stack, 'App', { services: [itemsService], ...props });
  return { app, stack, system };
}

export function zone(stack: Stack, id = 'Zone'): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, id, { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
}

/** [logical id, resource] of every resource of a type. */
export function resourcesOf(t: Template, type: string): Array<[string, any]> {
  return Object.entries(t.findResources(type));
}
