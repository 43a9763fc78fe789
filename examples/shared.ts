// Pieces the example apps share: the Slack webhook secret, the sample items service, and an
// Athena table over the container logs in a LogArchiveBucket.
import * as path from 'path';
import { Stack, Validations, aws_ecs as ecs, aws_glue as glue, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LogArchiveBucket, ThreeTierServiceOptions } from '../src';

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
  return secret;
}

/**
 * The sample items CRUD service (`examples/items-service`): port 8080, `/healthz`, the image's
 * `node` user, no files written (so no scratch volumes), ARM64. `basePath` is the path prefix it
 * is routed under; `store` says which data tier it talks to.
 */
export function itemsService(store: 'postgres' | 'dynamodb', basePath = '/api'): ThreeTierServiceOptions {
  return {
    image: ecs.ContainerImage.fromAsset(path.join(__dirname, 'items-service')),
    containerPort: 8080,
    healthCheck: { path: '/healthz' },
    user: '1000:1000',
    scratchPaths: [],
    cpuArchitecture: ecs.CpuArchitecture.ARM64,
    environment: { ITEMS_STORE: store, BASE_PATH: basePath },
  };
}

/**
 * An Athena table (`app_logs`) over what `LogArchiveBucket.addLogGroup` streams through Firehose:
 * `cloudwatch-logs/year=/month=/day=/`, one log event a line. The archive has tables for ALB,
 * CloudFront and VPC flow logs, but none for these. Query with `WHERE year = '2026' AND month = '12'`.
 */
export function appLogsTable(scope: Construct, archive: LogArchiveBucket): glue.CfnTable {
  const location = `s3://${archive.bucket.bucketName}/${LogArchiveBucket.CLOUDWATCH_LOGS_PREFIX}/`;
  const projection: Record<string, string> = { 'projection.enabled': 'true' };
  for (const [key, range, digits] of [['year', '2024,2099', '4'], ['month', '1,12', '2'], ['day', '1,31', '2']]) {
    Object.assign(projection, {
      [`projection.${key}.type`]: 'integer',
      [`projection.${key}.range`]: range,
      [`projection.${key}.digits`]: digits,
    });
  }
  return new glue.CfnTable(scope, 'AppLogsTable', {
    catalogId: Stack.of(scope).account,
    databaseName: archive.database.ref,
    tableInput: {
      name: 'app_logs',
      description: 'Container logs streamed from CloudWatch Logs through Firehose, one event a line',
      tableType: 'EXTERNAL_TABLE',
      partitionKeys: ['year', 'month', 'day'].map((name) => ({ name, type: 'string' })),
      parameters: { ...projection, 'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/` },
      storageDescriptor: {
        columns: [{ name: 'message', type: 'string' }],
        location,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' },
      },
    },
  });
}
