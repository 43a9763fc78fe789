import { Duration, Fn, Stack, aws_aps as aps, aws_ecs as ecs, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkRange, checkSeconds, invalid, literalString } from '../private/validate';

/** Scrape the container's Prometheus metrics and remote-write them to Amazon Managed Service for Prometheus. */
export interface PrometheusOptions {
  /**
   * The workspace to write to.
   * @default - a new workspace
   */
  readonly workspace?: aps.CfnWorkspace;

  /**
   * Port the application serves metrics on.
   * @default - the container port
   */
  readonly port?: number;

  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;

  /**
   * The AWS Distro for OpenTelemetry collector image.
   * @default public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3
   */
  readonly collectorImage?: ecs.ContainerImage;
}

export const DEFAULT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3';

/** The collector's configuration: one Prometheus scrape job, remote write signed with SigV4. */
export function collectorConfig(
  jobName: string, port: number, metricsPath: string, interval: Duration, remoteWriteUrl: string, region: string,
): string {
  return [
    'extensions:',
    '  sigv4auth:',
    `    region: ${region}`,
    '    service: aps',
    'receivers:',
    '  prometheus:',
    '    config:',
    '      global:',
    `        scrape_interval: ${interval.toSeconds()}s`,
    '      scrape_configs:',
    `        - job_name: ${jobName}`,
    `          metrics_path: ${metricsPath}`,
    '          static_configs:',
    `            - targets: ['localhost:${port}']`,
    'processors:',
    '  memory_limiter:',
    '    check_interval: 1s',
    '    limit_percentage: 80',
    '    spike_limit_percentage: 20',
    '  batch: {}',
    'exporters:',
    '  prometheusremotewrite:',
    `    endpoint: ${remoteWriteUrl}`,
    '    auth:',
    '      authenticator: sigv4auth',
    'service:',
    '  extensions: [sigv4auth]',
    '  pipelines:',
    '    metrics:',
    '      receivers: [prometheus]',
    '      processors: [memory_limiter, batch]',
    '      exporters: [prometheusremotewrite]',
    '',
  ].join('\n');
}

/** Add the collector sidecar and the one permission it needs (`aps:RemoteWrite` on the workspace). */
export function addPrometheusSidecar(
  scope: Construct, taskDefinition: ecs.FargateTaskDefinition, appPort: number, jobName: string,
  logGroup: logs.ILogGroup, options: PrometheusOptions, memoryLimitMiB: number,
): { workspace: aps.CfnWorkspace; collector: ecs.ContainerDefinition } {
  const metricsPath = options.path ?? '/metrics';
  const path = scope.node.path;
  const literalPath = literalString(metricsPath);
  if (literalPath !== undefined && !literalPath.startsWith('/')) {
    throw invalid(path, 'prometheus.path', literalPath, 'a metrics path starts with \'/\'', `Write it as '/${literalPath.replace(/^\/*/, '')}'.`);
  }
  checkRange(path, 'prometheus.port', options.port, 1, 65535, 'a metrics port', { integer: true });
  checkSeconds(path, 'prometheus.scrapeInterval', options.scrapeInterval, 1, 3600, 'a scrape interval');
  const workspace = options.workspace ?? new aps.CfnWorkspace(scope, 'PrometheusWorkspace', {
    alias: jobName.slice(0, 100),
  });
  const remoteWriteUrl = Fn.join('', [workspace.attrPrometheusEndpoint, 'api/v1/remote_write']);
  const config = collectorConfig(jobName, options.port ?? appPort, metricsPath, options.scrapeInterval ?? Duration.seconds(30),
    remoteWriteUrl, Stack.of(scope).region);

  const collector = taskDefinition.addContainer('otel-collector', {
    image: options.collectorImage ?? ecs.ContainerImage.fromRegistry(DEFAULT_COLLECTOR_IMAGE),
    essential: false,
    readonlyRootFilesystem: true,
    // The ADOT image runs as its 'aoc' user (uid 4317); saying so lets non-root checks
    // (Control Tower CT.ECS.PR.3) see it.
    user: '4317:4317',
    memoryLimitMiB,
    environment: { AOT_CONFIG_CONTENT: config },
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'otel' }),
  });
  taskDefinition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['aps:RemoteWrite'],
    resources: [workspace.attrArn],
  }));
  return { workspace, collector };
}
