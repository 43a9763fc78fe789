import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MonitoredEcsService, ServiceLoadBalancer } from '../src';
import { newStack } from './fixtures';
import { nagFindings } from './helpers/nag';
import { IMAGE, defaultService } from './monitored-ecs-service.fixtures';

describe('shared load balancer', () => {
  function sharedSetup() {
    const stack = newStack();
    const { service: first, archive } = defaultService(stack);
    return { stack, first, archive };
  }

  test('several services share one listener through path and host rules', () => {
    const { stack, first } = sharedSetup();
    new MonitoredEcsService(stack, 'Ai', {
      cluster: first.cluster,
      image: IMAGE,
      loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 20, pathPatterns: ['/ai/*'], hostHeaders: ['api.example.com'] }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20,
      Conditions: Match.arrayWith([
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/ai/*'] } },
        { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
      ]),
    });
    template.resourceCountIs('AWS::ECS::Cluster', 1);
  });

  test('fails when two services claim the same listener rule priority', () => {
    const { stack, first } = sharedSetup();
    const lb = (priority: number) => ServiceLoadBalancer.sharedListener(first.listener, { priority, pathPatterns: [`/p${priority}/*`] });
    new MonitoredEcsService(stack, 'A', { cluster: first.cluster, image: IMAGE, loadBalancer: lb(5) });
    expect(() => new MonitoredEcsService(stack, 'B', { cluster: first.cluster, image: IMAGE, loadBalancer: lb(5) }))
      .toThrow(/^Test\/B: loadBalancer.priority 5 is invalid: Test\/A already uses this priority on the listener/);
  });

  test('securityGroups: extra groups the tasks carry; only the service\'s own group admits the load balancer', () => {
    const stack = newStack();
    const { service: first, vpc } = defaultService(stack);
    const shared = new ec2.SecurityGroup(stack, 'Shared', { vpc });
    const dbClients = new ec2.SecurityGroup(stack, 'DbClients', { vpc });
    const own = new MonitoredEcsService(stack, 'Alone', {
      cluster: first.cluster,
      image: IMAGE,
      securityGroups: [dbClients],
      loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 20, pathPatterns: ['/alone/*'] }),
    });
    new MonitoredEcsService(stack, 'Fleet', {
      cluster: first.cluster,
      image: IMAGE,
      securityGroups: [dbClients],
      loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 30, pathPatterns: ['/fleet/*'], targetSecurityGroup: shared }),
    });
    const t = Template.fromStack(stack);
    const id = (group: ec2.ISecurityGroup) => stack.resolve(group.securityGroupId)['Fn::GetAtt'][0];
    const groupsOf = (prefix: string) => Object.entries(t.findResources('AWS::ECS::Service')).find(([k]) => k.startsWith(prefix))![1]
      .Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.map((g: any) => g['Fn::GetAtt'][0]);
    expect(groupsOf('Alone')).toEqual([id(own.securityGroup), id(dbClients)]);
    expect(groupsOf('Fleet')).toEqual([expect.stringMatching(/^FleetSecurityGroup/), id(dbClients), id(shared)]);
    // Neither the extra group nor the shared one admits the load balancer: only each service's own.
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    for (const group of [dbClients, shared]) expect(ingress.filter((r) => JSON.stringify(r.GroupId).includes(id(group)))).toEqual([]);
    // The load balancer sends to the Alone service's own group, and to the shared group for Fleet.
    const egress = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => JSON.stringify(r.Properties.DestinationSecurityGroupId));
    expect(egress.filter((e) => e.includes(id(dbClients)))).toEqual([]);
    expect(egress.filter((e) => e.includes(id(own.securityGroup)))).toHaveLength(1);
    expect(egress.filter((e) => e.includes(id(shared)))).toHaveLength(1);
    expect(own.connections.securityGroups).toEqual([own.securityGroup]);
  });

  test('a task carries at most 5 security groups', () => {
    const { stack, first } = sharedSetup();
    const vpc = first.cluster.vpc;
    const groups = Array.from({ length: 4 }, (_, i) => new ec2.SecurityGroup(stack, `G${i}`, { vpc }));
    const shared = new ec2.SecurityGroup(stack, 'Shared', { vpc });
    expect(() => new MonitoredEcsService(stack, 'A', {
      cluster: first.cluster,
      image: IMAGE,
      securityGroups: groups,
      loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 20, pathPatterns: ['/a/*'], targetSecurityGroup: shared }),
    }))
      .toThrow(/Test\/A: securityGroups.length 4 is invalid: a task's network interface takes at most 5 security groups.*targetSecurityGroup. Give at most 3 securityGroups/);
  });

  test('fails on a rule without conditions', () => {
    const { stack, first } = sharedSetup();
    expect(() => new MonitoredEcsService(stack, 'A', {
      cluster: first.cluster, image: IMAGE, loadBalancer: ServiceLoadBalancer.sharedListener(first.listener, { priority: 3 }),
    })).toThrow(/Test\/A: loadBalancer.pathPatterns \[\] is invalid: a rule on a shared listener needs a condition.*Give pathPatterns and\/or hostHeaders/);
  });
});

describe('internal load balancer', () => {
  const internal = (options: { allowFrom?: ec2.IPeer[] } = {}) => {
    const stack = newStack();
    const { archive, certificate, vpc } = defaultService(stack);
    new MonitoredEcsService(stack, 'Internal', {
      vpc,
      image: IMAGE,
      loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive, internetFacing: false, ...options }),
    });
    return stack;
  };
  const ingressOf = (stack: Stack) => {
    const groups = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup');
    const id = Object.keys(groups).find((k) => k.startsWith('InternalLoadBalancerSecurityGroup'))!;
    return (groups[id].Properties.SecurityGroupIngress ?? []) as Array<{ CidrIp?: unknown; FromPort: number }>;
  };

  test('never opens 0.0.0.0/0 on 80 or 443, and admits the VPC CIDR on both', () => {
    const ingress = ingressOf(internal());
    expect(ingress.filter((r) => r.CidrIp === '0.0.0.0/0')).toEqual([]);
    expect(ingress.map((r) => r.FromPort).sort()).toEqual([443, 80]);
    expect(ingress.every((r) => JSON.stringify(r.CidrIp).includes('CidrBlock'))).toBe(true);
  });

  test('admits only the peers given in allowFrom', () => {
    const ingress = ingressOf(internal({ allowFrom: [ec2.Peer.ipv4('10.20.0.0/16')] }));
    expect(ingress.map((r) => [r.CidrIp, r.FromPort])).toEqual(expect.arrayContaining([['10.20.0.0/16', 443], ['10.20.0.0/16', 80]]));
    expect(ingress).toHaveLength(2);
  });

  test('passes the AwsSolutions pack without a suppression from the user', () => {
    const findings = nagFindings(internal()).filter((f) => f.resource.startsWith('Test/Internal/'));
    expect(findings).toEqual([]);
  });
});
