// Pieces the example apps share: the Slack webhook secret and the sample items service.
import * as path from 'path';
import { CfnResource, Stack, Validations, aws_ecr_assets as ecrAssets, aws_ecs as ecs, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { ThreeTierServiceOptions } from '../src';

/**
 * A secret for the Slack incoming-webhook URL (put the URL in it after the first deploy), with the
 * findings it is meant to have acknowledged: the library acknowledges its own, not the caller's.
 */
export function slackWebhookSecret(stack: Stack, id = 'SlackWebhook'): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(stack, id, { description: 'Slack incoming webhook URL' });
  const reason = 'A Slack webhook URL is rotated in Slack, not by Secrets Manager; the default key is enough for it.';
  const packs = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];
  const rules = ['SecretsManagerRotationEnabled', 'SecretsManagerUsingKMSKey'].flatMap((rule) => packs.map((pack) => `${pack}-${rule}`));
  for (const rule of ['AwsSolutions-SMG4', ...rules]) Validations.of(secret).acknowledge({ id: rule, reason });
  // cdk-nag 2 (the newest cdk-nag for Go) reads its suppressions from the resource's metadata.
  (secret.node.defaultChild as CfnResource).addMetadata('cdk_nag', {
    rules_to_suppress: ['AwsSolutions-SMG4', ...rules].map((rule) => ({ id: rule, reason })),
  });
  return secret;
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
