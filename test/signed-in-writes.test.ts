import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { containers } from './monitored-ecs-service.fixtures';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';
import { NatMode } from '../src';

// A service that asks for the user pool gets its ids, to check signed-in callers' tokens itself
// (the items service does, with aws-jwt-verify: examples/items-service/test/auth.test.js).

describe('a service with auth in a system with a user pool', () => {
  const { stack } = virginiaApp({
    auth: { passwordAuth: true },
    services: [{ ...itemsService, auth: true }, { ...itemsService, id: 'Public', pathPatterns: ['/api/public/*'] }],
  });
  const t = Template.fromStack(stack);
  const environmentOf = (prefix: string) => {
    const taskDefinition = Object.entries(t.findResources('AWS::ECS::TaskDefinition')).find(([id]) => id.startsWith(prefix))![1] as any;
    return Object.fromEntries(taskDefinition.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
  };

  test('gets the user pool and app client ids', () => {
    expect(environmentOf('AppItems')).toMatchObject({
      COGNITO_USER_POOL_ID: { Ref: expect.stringMatching(/^AppAuthUserPool/) },
      COGNITO_CLIENT_ID: { Ref: expect.stringMatching(/^AppAuthUserPoolWebClient/) },
    });
  });

  test('a service that does not ask gets neither', () => {
    expect(Object.keys(environmentOf('AppPublic'))).not.toContain('COGNITO_USER_POOL_ID');
  });

  test('passwordAuth lets the CLI sign in with USER_PASSWORD_AUTH beside SRP', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      GenerateSecret: false,
    });
  });

  test('CloudFront passes the Authorization header to the services (caching off, all viewer headers)', () => {
    // An origin request policy cannot name Authorization, but with caching disabled AllViewer forwards it.
    const distribution = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as any;
    const api = distribution.Properties.DistributionConfig.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('216adef6-5c7f-47e4-b989-5492eafa07d3'); // Managed-AllViewer
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'PUT', 'DELETE']));
  });
});

test('without passwordAuth the app client signs in with SRP only', () => {
  const { stack } = virginiaApp({ auth: {} });
  Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
    ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
  });
});

test('auth on a service of a system without a user pool is refused', () => {
  expect(() => virginiaApp({ services: [{ ...itemsService, auth: true }] }))
    .toThrow("System/App: service 'Items' auth true is invalid: the system has no user pool to give the service. Give the ThreeTierApp auth (e.g. auth: {}), or remove auth from the service.");
});

test('without NAT, synth says how the service gets the signing keys', () => {
  const { stack, system } = virginiaApp({ auth: {}, natMode: NatMode.none(), services: [{ ...itemsService, auth: true }] });
  const warnings = Annotations.fromStack(stack).findWarning(`/${system.appTier.services[0].node.path}`, Match.stringLikeRegexp('signing keys'));
  expect(warnings).toHaveLength(1);
  expect(containers(Template.fromStack(stack))[0].Environment).toContainEqual({ Name: 'COGNITO_USER_POOL_ID', Value: expect.anything() });
});
