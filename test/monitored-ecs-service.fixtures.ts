import { Stack, aws_certificatemanager as acm, aws_ecs as ecs, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LogArchiveBucket, MonitoredEcsService, MonitoredEcsServiceProps, ServiceLoadBalancer } from '../src';
import { appVpc } from './fixtures';

export const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** The smallest useful service: its own HTTPS load balancer with access logs. */
export function defaultService(stack: Stack, props: Partial<MonitoredEcsServiceProps> = {}) {
  const vpc = appVpc(stack);
  const archive = new LogArchiveBucket(stack, 'Archive');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
  const service = new MonitoredEcsService(stack, 'Api', {
    vpc,
    image: IMAGE,
    loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: archive }),
    ...props,
  });
  return { vpc, archive, certificate, service };
}

/** Everything on: Exec, Spot, Prometheus, Slack both ways, logs to the archive, scheduled window. */
export function everythingOnService(stack: Stack) {
  const secret = new secretsmanager.Secret(stack, 'SlackWebhook');
  const made = defaultService(stack, {
    enableExecuteCommand: true,
    spotShare: 0.5,
    cpuArchitecture: ecs.CpuArchitecture.ARM64,
    user: '1000:1000',
    containerHealthCheck: { command: ['CMD-SHELL', 'wget -qO- http://localhost:8080/healthz || exit 1'] },
    healthCheck: { path: '/healthz' },
    prometheus: {},
    slackChatbot: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
    slackWebhookSecret: secret,
  });
  return { ...made, secret };
}

/** The first resource of a type whose logical id starts with `prefix`. */
export function resourceOf(template: Template, type: string, prefix: string): any {
  const found = Object.entries(template.findResources(type)).find(([k]) => k.startsWith(prefix));
  if (!found) throw new Error(`no ${type} starting with ${prefix}`);
  return found[1];
}

/** The container definitions of the (first) task definition. */
export function containers(template: Template): any[] {
  return (Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any).Properties.ContainerDefinitions;
}
