import { Match, Template } from 'aws-cdk-lib/assertions';
import { newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
import { defaultService } from './monitored-ecs-service.fixtures';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';

// Service Connect between the services of one system: each a client, servers under a short name.

describe('a system with Service Connect: Frontend and Backend call Ai', () => {
  const { stack, system } = virginiaApp({
    serviceConnect: { namespaceName: 'shop.internal' },
    services: [
      { ...itemsService, id: 'Frontend', pathPatterns: ['/app/*'] },
      { ...itemsService, id: 'Backend', pathPatterns: ['/api/*'] },
      { ...itemsService, id: 'Ai', pathPatterns: ['/ai/*'], serviceConnectName: 'ai' },
    ],
  });
  const t = Template.fromStack(stack);
  const serviceOf = (prefix: string) => (Object.entries(t.findResources('AWS::ECS::Service')).find(([k]) => k.startsWith(prefix))![1] as any).Properties;

  test('the cluster gets an HTTP namespace as its Service Connect default', () => {
    t.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: 'shop.internal' });
    t.hasResourceProperties('AWS::ECS::Cluster', {
      ServiceConnectDefaults: { Namespace: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AppClusterDefaultServiceDiscoveryNamespace'), 'Arn'] } },
    });
  });

  test('every service is a client; Ai is a server at http://ai:8080; the proxy logs to the service\'s log group', () => {
    for (const id of ['AppFrontend', 'AppBackend']) {
      const config = serviceOf(`${id}Service`).ServiceConnectConfiguration;
      expect(config.Enabled).toBe(true);
      expect(config.Services).toBeUndefined();
    }
    const ai = serviceOf('AppAiService').ServiceConnectConfiguration;
    expect(ai.Services).toEqual([{ PortName: 'http', DiscoveryName: 'ai', ClientAliases: [{ DnsName: 'ai', Port: 8080 }] }]);
    expect(ai.LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: expect.stringMatching(/^AppAiLogs/) }, 'awslogs-stream-prefix': 'service-connect' },
    });
  });

  test('Ai\'s tasks admit the services\' shared group (Frontend\'s and Backend\'s tasks carry it) on 8080; nobody else gains a path', () => {
    const intoAi = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties)
      .filter((p: any) => JSON.stringify(p.GroupId).includes('AppAiSecurityGroup'));
    const sources = intoAi.map((p: any) => p.SourceSecurityGroupId['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '')).sort();
    // One rule however many clients: every service of the system is a Service Connect client.
    expect(sources).toEqual(['AppLoadBalancerSecurityGroup', 'AppServicesSecurityGroup']);
    const carried = Object.values(t.findResources('AWS::ECS::Service')).map((r: any) => JSON.stringify(r.Properties.NetworkConfiguration));
    expect(carried.every((c) => c.includes('AppServicesSecurityGroup'))).toBe(true);
    expect(intoAi.filter((p: any) => !p.SourceSecurityGroupId['Fn::GetAtt'][0].startsWith('AppLoadBalancer')).every((p: any) => p.FromPort === 8080 && p.ToPort === 8080)).toBe(true);
    const intoFrontend = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties)
      .filter((p: any) => JSON.stringify(p.GroupId).includes('AppFrontendSecurityGroup'));
    expect(intoFrontend.map((p: any) => p.SourceSecurityGroupId['Fn::GetAtt'][0])).toEqual([expect.stringMatching(/^AppLoadBalancerSecurityGroup/)]);
  });

  test('the server\'s Service Connect requests, 5xx and p99 are on the system dashboard', () => {
    const ai = system.appTier.services.find((s) => s.node.id === 'Ai')!;
    expect(stack.resolve(ai.metricServiceConnectRequests().dimensions)).toEqual({
      ClusterName: { Ref: expect.stringMatching(/^AppCluster/) },
      ServiceName: { 'Fn::GetAtt': [expect.stringMatching(/^AppAiService/), 'Name'] },
      DiscoveryName: 'ai',
    });
    const body = JSON.stringify(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(body).toContain('Ai: Service Connect requests (ai)');
    expect(body).toContain('HTTPCode_Target_5XX_Count');
    expect(() => system.appTier.services[0].metricServiceConnectRequests()).toThrow(/serviceConnect.serverName undefined is invalid: other services do not call this one/);
  });

  test('the four rule packs find nothing', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('Service Connect choices that cannot work are refused', () => {
  test('a serviceConnectName without serviceConnect on the system', () => {
    expect(() => virginiaApp({ services: [{ ...itemsService, serviceConnectName: 'items' }] }))
      .toThrow("System/App: service 'Items' serviceConnectName \"items\" is invalid: the system has no Service Connect namespace. Give the ThreeTierApp serviceConnect");
  });

  test('two services answering to one name', () => {
    expect(() => virginiaApp({
      serviceConnect: {},
      services: [{ ...itemsService, serviceConnectName: 'items' }, { ...itemsService, id: 'Copy', pathPatterns: ['/copy/*'], serviceConnectName: 'items' }],
    })).toThrow("System/App: service 'Copy' serviceConnectName \"items\" is invalid: service 'Items' already answers to it");
  });

  test('a name Cloud Map or DNS would refuse', () => {
    expect(() => virginiaApp({ serviceConnect: {}, services: [{ ...itemsService, serviceConnectName: 'AI_Service' }] }))
      .toThrow(/serviceConnect.serverName "AI_Service" is invalid: a Service Connect name is 1-63 lowercase letters.*Use a name such as 'ai-service'/);
  });

  test('a standalone service in a cluster without a namespace, unless it names one', () => {
    expect(() => defaultService(newStack(), { serviceConnect: { serverName: 'api' } }))
      .toThrow(/Test\/Api: serviceConnect.namespace undefined is invalid: Service Connect needs a Cloud Map namespace, and the cluster has no default one/);
    const stack = newStack();
    defaultService(stack, { serviceConnect: { serverName: 'api', namespace: 'shop.internal' } });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', { ServiceConnectConfiguration: { Enabled: true, Namespace: 'shop.internal' } });
  });
});
