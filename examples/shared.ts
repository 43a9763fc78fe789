// Pieces the example apps share: the Slack webhook secret and the sample items service.
import * as path from 'path';
import { CfnResource, Stack, Validations, aws_ec2 as ec2, aws_ecr_assets as ecrAssets, aws_ecs as ecs, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ThreeTierServiceOptions } from '../src';

/**
 * A secret for the Slack incoming-webhook URL (put the URL in it after the first deploy), with the
 * findings it is meant to have acknowledged: the library acknowledges its own, not the caller's.
 */
export function slackWebhookSecret(stack: Stack, id = 'SlackWebhook'): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(stack, id, { description: 'Slack incoming webhook URL' });
  explain(secret, 'A Slack webhook URL is rotated in Slack, not by Secrets Manager; the default key is enough for it.', {
    nag: ['AwsSolutions-SMG4', ...inPacks('SecretsManagerRotationEnabled'), ...inPacks('SecretsManagerUsingKMSKey')],
  });
  return secret;
}

const PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/** A compliance rule's id in each of the three packs (`NIST.800.53.R5-<rule>`, ...). */
export function inPacks(rule: string, packs = PACKS): string[] {
  return packs.map((pack) => `${pack}-${rule}`);
}

/**
 * Explain findings on one of the example's own resources so that every scanner reads the reason:
 * cdk-nag 3 (CDK's acknowledgements, in the construct tree), cdk-nag 2 (the resource's `cdk_nag`
 * metadata in the template) and cfn-guard (`Metadata.guard.SuppressedRules`). The library does the
 * same for the resources it creates; an app explains its own.
 */
export function explain(construct: IConstruct, reason: string, rules: { nag?: string[]; guard?: string[] }): void {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild as CfnResource;
  for (const id of rules.nag ?? []) Validations.of(resource).acknowledge({ id, reason });
  if (rules.nag?.length) {
    const previous = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    resource.addMetadata('cdk_nag', { rules_to_suppress: [...previous, ...rules.nag.map((id) => ({ id, reason }))] });
  }
  if (rules.guard?.length) {
    const previous: string[] = resource.getMetadata('guard')?.SuppressedRules ?? [];
    resource.addMetadata('guard', { SuppressedRules: [...previous, ...rules.guard] });
  }
}

/**
 * The example VPCs: nothing uses their default security group, and public routes lead to the
 * internet by definition.
 */
export function explainPublicNetwork(vpc: ec2.Vpc, publicUse: string): void {
  explain(vpc, 'Nothing uses the default security group in this example.', { nag: inPacks('VPCDefaultSecurityGroupClosed') });
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route) explain(route, `Public subnets route to the internet gateway by definition; ${publicUse}.`, { nag: inPacks('VPCNoUnrestrictedRouteToIGW') });
  }
}

/**
 * The sample items CRUD service (`examples/items-service`): port 8080, `/healthz`, the image's
 * `node` user, no files written (so no scratch volumes), ARM64. `basePath` is the path prefix it
 * is routed under; `store` says which data tier it talks to.
 */
export function itemsService(store: 'postgres' | 'dynamodb', basePath = '/api'): ThreeTierServiceOptions {
  return {
    // Built for the tasks' architecture whatever the deploying machine is (x86 hosts need QEMU/binfmt).
    image: ecs.ContainerImage.fromAsset(path.join(__dirname, 'items-service'), { platform: ecrAssets.Platform.LINUX_ARM64 }),
    containerPort: 8080,
    healthCheck: { path: '/healthz' },
    user: '1000:1000',
    scratchPaths: [],
    cpuArchitecture: ecs.CpuArchitecture.ARM64,
    environment: { ITEMS_STORE: store, BASE_PATH: basePath },
  };
}
