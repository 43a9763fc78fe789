import { aws_ec2 as ec2, aws_ecs as ecs, aws_ssm as ssm } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MonitoredEcsService, ServiceLoadBalancer } from '../src';
import { newStack } from './fixtures';
import { IMAGE, containers, defaultService, resourceOf } from './monitored-ecs-service.fixtures';

describe('MonitoredEcsService task options', () => {
  test('environment and secrets are written in key order, whatever order the map had (a Go map has none; a new order is a new task definition)', () => {
    const names = (environment: Record<string, string>) => {
      const stack = newStack();
      const token = ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/token' }));
      defaultService(stack, { environment, secrets: { Z_TOKEN: token, A_TOKEN: token } });
      const defs = Object.values<any>(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
      const app = defs.find((d: any) => d.Name === 'app');
      return [app.Environment.map((e: any) => e.Name), app.Secrets.map((e: any) => e.Name)];
    };
    expect(names({ ITEMS_STORE: 'postgres', BASE_PATH: '/api' })).toEqual([['BASE_PATH', 'ITEMS_STORE'], ['A_TOKEN', 'Z_TOKEN']]);
    expect(names({ BASE_PATH: '/api', ITEMS_STORE: 'postgres' })).toEqual([['BASE_PATH', 'ITEMS_STORE'], ['A_TOKEN', 'Z_TOKEN']]);
  });

  test('AWS constraint: ECS Exec with a read-only root filesystem gets writable SSM agent paths', () => {
    const stack = newStack();
    defaultService(stack, { enableExecuteCommand: true });
    const template = Template.fromStack(stack);
    const app = containers(template).find((c: any) => c.Name === 'app');
    expect(app.ReadonlyRootFilesystem).toBe(true);
    expect(app.MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp', '/managed-agents', '/var/lib/amazon/ssm', '/var/log/amazon/ssm']);
    expect(app.LinuxParameters.InitProcessEnabled).toBe(true);
    expect(resourceOf(template, 'AWS::ECS::Service', 'ApiService').Properties.EnableExecuteCommand).toBe(true);
  });

  test('ECS Exec with a writable root needs no extra volumes', () => {
    const stack = newStack();
    defaultService(stack, { enableExecuteCommand: true, readonlyRootFilesystem: false });
    const app = containers(Template.fromStack(stack)).find((c: any) => c.Name === 'app');
    expect(app.MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp']);
  });

  test('ARM64, non-root user, environment and secrets reach the task definition', () => {
    const stack = newStack();
    const secret = ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'P', { parameterName: '/app/token' }));
    defaultService(stack, { cpuArchitecture: ecs.CpuArchitecture.ARM64, user: '1000:1000', environment: { MODE: 'prod' }, secrets: { TOKEN: secret } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
    const app = containers(template).find((c: any) => c.Name === 'app');
    expect(app.User).toBe('1000:1000');
    expect(app.Environment).toEqual([{ Name: 'MODE', Value: 'prod' }]);
    expect(app.Secrets[0].Name).toBe('TOKEN');
  });

  test('tasks in isolated subnets get a warning about the endpoints they need', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Isolated', {
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const { archive, certificate } = defaultService(stack);
    new MonitoredEcsService(stack, 'Isolated1', {
      vpc, image: IMAGE, loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive }),
    });
    Annotations.fromStack(stack).hasWarning('/Test/Isolated1', Match.stringLikeRegexp('interface endpoints for ECR'));
  });
});
