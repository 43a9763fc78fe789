import {
  Annotations, CfnResource, Duration, Names, RemovalPolicy, Stack, Token,
  aws_applicationautoscaling as appscaling, aws_aps as aps, aws_chatbot as chatbot, aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cw_actions, aws_ec2 as ec2, aws_ecs as ecs, aws_events as events, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam,
  aws_kms as kms, aws_lambda as lambda, aws_logs as logs, aws_secretsmanager as secretsmanager, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlarmMetrics, CreatedAlarms, ServiceAlarmsOptions, alarmNamePrefix, createServiceAlarms } from './alarms';
import { drawServiceRows, grafanaDashboardModel } from './dashboard';
import { SERVICE_DEFAULTS } from './defaults';
import { ServiceDeployment, TestTraffic } from './deployment';
import { validateFargateSize } from './fargate-size';
import { ServiceLoadBalancer } from './load-balancer';
import { checkTargetGroup } from './load-balancing-rules';
import { ProgressiveResources, attachProgressiveDeployment } from './progressive';
import { PrometheusOptions, addPrometheusSidecar } from './prometheus';
import { ScalingOptions, scalingTargets } from './scaling';
import { ServiceConnectOptions, checkServerName, serviceConnectConfiguration } from './service-connect';
import { ChatbotSlackChannel } from './slack-channel';
import { ImageRepository, ImageRepositoryOptions } from '../image-repository';
import { ILogArchive } from '../log-archive-bucket';
import { ec2Description } from '../private/cfn-text';
import { newServiceCluster } from '../private/cluster';
import { admitLoadBalancer, allowFromClient } from '../private/connections';
import { ExecAudit } from '../private/exec-audit';
import { acknowledge, explainLogGroupKey, inCompliancePacks } from '../private/nag';
import { alarmTopicFor, routeEcsEvents, subscribeSlack } from '../private/notifications';
import { defaultPrivateSubnets } from '../private/subnets';
import { checkId, checkLogRetention, checkRange, checkSchedule, checkSeconds, invalid, literalSeconds, literalString } from '../private/validate';

/** Target-group health check. */
export interface TargetHealthCheck {
  /**
   * Path probed by the load balancer; must start with `/`.
   * @default '/'
   */
  readonly path?: string;
  /**
   * HTTP codes that mean healthy.
   * @default '200-399'
   */
  readonly healthyHttpCodes?: string;
  /**
   * Time between probes.
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;
  /**
   * Probe timeout; must be shorter than the interval.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive successes before a target is healthy.
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Consecutive failures before a target is unhealthy.
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;
}

/** A scheduled change of the task count limits (e.g. before a known peak). */
export interface ScheduledScalingOptions {
  /** When the change happens. */
  readonly schedule: appscaling.Schedule;
  /**
   * New minimum task count.
   * @default - unchanged
   */
  readonly minTasks?: number;
  /**
   * New maximum task count.
   * @default - unchanged
   */
  readonly maxTasks?: number;
}

/** A window that raises the task count limits at `start` and restores the service's own at `end`. */
export interface ScalingWindowOptions {
  /** When the window opens. */
  readonly start: appscaling.Schedule;
  /** When the window closes and the limits return to `minTasks`/`maxTasks` of the service. */
  readonly end: appscaling.Schedule;
  /** Minimum task count inside the window. */
  readonly minTasks: number;
  /**
   * Maximum task count inside the window.
   * @default - the larger of the service's maxTasks and the window's minTasks
   */
  readonly maxTasks?: number;
}

/**
 * What a `MonitoredEcsService` runs and how it behaves, without where its traffic comes from;
 * `AppTier.addService` takes these too.
 */
export interface MonitoredEcsServiceOptions {
  /**
   * The container image (registry or local asset). With `imageRepository`, what runs until CI has
   * pushed an image and `imageTag` names it (the new repository is empty on the first deploy).
   * @default - the service's own repository at `imageTag`; one of the two is required
   */
  readonly image?: ecs.ContainerImage;
  /**
   * Give the service its own private ECR repository (immutable tags, scan on push, KMS, a
   * lifecycle keeping the last images, retained) for CI to push to; see `imageTag`.
   * @default - no repository
   */
  readonly imageRepository?: ImageRepositoryOptions;
  /**
   * Service Connect: the service calls the others of its namespace by short name, and with
   * `serverName` they call it (its tasks admit theirs on the container port: see `allowServiceConnectFrom`).
   * @default - no Service Connect
   */
  readonly serviceConnect?: ServiceConnectOptions;
  /**
   * Tag in the service's own repository to run (e.g. the commit SHA CI pushed); it replaces `image`.
   * @default - `image` runs
   */
  readonly imageTag?: string;
  /**
   * Subnets of the tasks.
   * @default - private subnets with egress, or isolated subnets when the VPC has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Name of the ECS service.
   * @default - generated by CloudFormation
   */
  readonly serviceName?: string;
  /**
   * Port the container listens on.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * CPU units of the task (256, 512, 1024, 2048, 4096, 8192 or 16384).
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Memory of the task in MiB; must be a valid Fargate pair with `cpu`.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU architecture; ARM64 (Graviton) costs about 20% less when the image supports it.
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Plain environment variables (not secrets).
   * @default - only those the task gets from ECS
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets from Secrets Manager or SSM Parameter Store, injected as environment variables.
   * @default - no secrets are injected
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Command of the container.
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Share of tasks above the first that run on Fargate Spot, 0 to 1. One task always runs on
   * on-demand Fargate.
   * @default 0
   */
  readonly spotShare?: number;
  /**
   * Target-group health check.
   * @default - path '/', codes 200-399, every 15 s, timeout 5 s, 2 healthy / 3 unhealthy
   */
  readonly healthCheck?: TargetHealthCheck;
  /**
   * Container health check run by ECS.
   * @default - ECS checks nothing inside the container; the load balancer health check decides
   */
  readonly containerHealthCheck?: ecs.HealthCheck;
  /**
   * Time after a task starts during which failed load balancer health checks are ignored.
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * Time the load balancer lets in-flight requests finish on a deregistering task.
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;
  /**
   * Time a new task's share of requests ramps up over (0, or 30 to 900 seconds); for services
   * that warm caches or JIT-compile on their first requests.
   * @default - no slow start: a healthy task gets its full share at once
   */
  readonly slowStart?: Duration;
  /**
   * Minimum (and initial) number of tasks.
   * @default 2
   */
  readonly minTasks?: number;
  /**
   * Maximum number of tasks.
   * @default 10
   */
  readonly maxTasks?: number;
  /**
   * Target tracking on CPU, memory and requests; switch a signal off with `{ enabled: false }`,
   * as an alarm is.
   * @default - all three on: CPU 60 %, memory 70 %, 1000 requests per task per minute
   */
  readonly scaling?: ScalingOptions;
  /**
   * Roll back a deployment that fails (circuit breaker, rolling only) or that trips the 5xx, p99
   * latency or unhealthy-host alarms (ECS deployment alarms, every strategy).
   * @default true
   */
  readonly rollbackOnFailure?: boolean;
  /**
   * How a new revision replaces the running one: rolling, or ECS's native blue/green, canary or
   * linear deployment with a smoke-tested test rule (`ServiceDeployment.canary({ ... })`).
   * @default ServiceDeployment.rolling()
   */
  readonly deployment?: ServiceDeployment;
  /**
   * Mount the container's root filesystem read-only.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Writable scratch directories (task storage) mounted in the container. Fargate creates them
   * owned by root: with a non-root `user`, declare them as VOLUMEs owned by that user in the image.
   * @default ['/tmp']
   */
  readonly scratchPaths?: string[];
  /**
   * Turn on ECS Exec. With a read-only root filesystem the SSM agent's paths get writable volumes.
   * Without NAT, the VPC needs an `ssmmessages` interface endpoint.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * User (and group) the container runs as, e.g. `'1000:1000'`.
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * How long container logs are kept in CloudWatch Logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * KMS key for the log groups: the containers' and the Slack notifier's (its policy must allow
   * CloudWatch Logs).
   * @default - encrypted by CloudWatch Logs with service keys; inside a `ThreeTierApp` whose
   * profile encrypts logs (production), the system's key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Also stream the container logs into this archive (through Firehose).
   * @default - logs stay in CloudWatch Logs only
   */
  readonly logArchive?: ILogArchive;
  /**
   * Alarm thresholds; every alarm is on by default.
   * @default - the documented defaults of `ServiceAlarmsOptions`
   */
  readonly alarms?: ServiceAlarmsOptions;
  /**
   * Topic that receives every alarm and ECS event.
   * @default - a new topic encrypted with a new KMS key
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Post notifications to Slack through AWS Chatbot.
   * @default - no Chatbot channel
   */
  readonly slackChatbot?: ChatbotSlackChannel;
  /**
   * Post notifications to a Slack incoming webhook whose URL (or JSON `{"url": ...}`) is this secret.
   * If the secret uses a customer managed key that the `ISecret` does not carry (an imported
   * secret), that key's policy must let the notifier role decrypt.
   * @default - no webhook
   */
  readonly slackWebhookSecret?: secretsmanager.ISecret;
  /**
   * Scrape the container's Prometheus metrics with an AWS Distro for OpenTelemetry sidecar.
   * @default - no Prometheus scraping
   */
  readonly prometheus?: PrometheusOptions;
  /**
   * Draw the service's rows (under a heading with its id) on this dashboard instead of a
   * dashboard of its own: one dashboard for many services costs one dashboard's price
   * ($3 a month each) and one CloudFormation resource.
   * @default - a new dashboard for the service
   */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * More security groups for the tasks, beside the service's own (which admits the load balancer
   * only): e.g. a group that a database admits once for all its clients. A task carries at most
   * 5 groups (its own, these, and a shared listener's `targetSecurityGroup`).
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Draw the service's rows on a dashboard (`dashboard`, or one of its own). Off, the service has
   * no dashboard: a `ThreeTierApp` turns it off past `dashboardServiceRows` services, whose
   * fleet graphs show them instead.
   * @default true
   */
  readonly dashboardRows?: boolean;
}

/** Properties of a `MonitoredEcsService`. */
export interface MonitoredEcsServiceProps extends MonitoredEcsServiceOptions {
  /** Where traffic comes from: `ServiceLoadBalancer.newLoadBalancer(...)` or `ServiceLoadBalancer.sharedListener(...)`. */
  readonly loadBalancer: ServiceLoadBalancer;
  /**
   * The VPC; required unless `cluster` is given.
   * @default - the cluster's VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The cluster to run in.
   * @default - a new cluster with Container Insights (enhanced) and Fargate capacity providers
   */
  readonly cluster?: ecs.ICluster;
}

/**
 * A Fargate service behind an Application Load Balancer: health checks, autoscaling, rollback on
 * failed deployments, logs with retention, a dashboard, golden-signal alarms to SNS and Slack,
 * and optional Prometheus scraping.
 */
export class MonitoredEcsService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The cluster the service runs in. */
  public readonly cluster: ecs.ICluster;
  /** The ECS service. */
  public readonly service: ecs.FargateService;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The application container. */
  public readonly container: ecs.ContainerDefinition;
  /** The target group of the tasks. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The load balancer the service is behind (created or shared). */
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The listener that routes to the service (HTTPS listener, or the shared one). */
  public readonly listener: elbv2.ApplicationListener;
  /** The listener rule, when attached to a shared listener. */
  public readonly listenerRule?: elbv2.ApplicationListenerRule;
  /** Security group of the tasks; admits only the load balancer. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Log group of the containers. */
  public readonly logGroup: logs.LogGroup;
  /** Task count scaling. */
  public readonly scaling: ecs.ScalableTaskCount;
  /** Topic that receives alarms and ECS events. */
  public readonly alarmTopic: sns.ITopic;
  /** Alarms by signal (absent when disabled). */
  public readonly alarms: CreatedAlarms;
  private readonly rowsOn?: cloudwatch.Dashboard;
  /** EventBridge rules that forward ECS deployment failures and unexpected task stops. */
  public readonly eventRules: events.Rule[];
  /** The Chatbot Slack channel, when `slackChatbot` is set. */
  public readonly slackChannel?: chatbot.SlackChannelConfiguration;
  /** The Slack webhook notifier function, when `slackWebhookSecret` is set. */
  public readonly slackNotifier?: lambda.Function;
  private readonly workspace?: aps.CfnWorkspace;
  private readonly execEnabled: boolean;
  private readonly ownConnections: ec2.Connections;
  private readonly containerPort: number;
  private readonly serverName?: string;
  private readonly ownRepository?: ImageRepository;
  private readonly alternate?: elbv2.ApplicationTargetGroup;
  private readonly progressive?: ProgressiveResources & { testRule: elbv2.ApplicationListenerRule };
  /** The OpenTelemetry collector sidecar, when `prometheus` is set. */
  public readonly collectorContainer?: ecs.ContainerDefinition;

  private readonly scheduleIds = new Set<string>();

  private readonly minTasks: number;
  private readonly maxTasks: number;

  constructor(scope: Construct, id: string, props: MonitoredEcsServiceProps) {
    super(scope, id);
    const containerPort = props.containerPort ?? 8080;
    this.containerPort = containerPort;
    this.serverName = props.serviceConnect?.serverName;
    const cpu = props.cpu ?? 512;
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    this.minTasks = props.minTasks ?? SERVICE_DEFAULTS.minTasks;
    this.maxTasks = props.maxTasks ?? SERVICE_DEFAULTS.maxTasks;
    const spotShare = props.spotShare ?? 0;
    const readonlyRoot = props.readonlyRootFilesystem ?? true;
    validateProps(this, props, { cpu, memoryLimitMiB, minTasks: this.minTasks, maxTasks: this.maxTasks, spotShare, containerPort });

    // Cluster
    if (!props.cluster && !props.vpc) {
      throw invalid(this.node.path, 'vpc', undefined, 'a service runs in a cluster, and none was given',
        'Give vpc (a cluster is created in it) or cluster.');
    }
    if (props.cluster && props.vpc && props.vpc !== props.cluster.vpc) {
      throw invalid(this.node.path, 'vpc', props.vpc.node.path, `the service runs in the VPC of its cluster (${props.cluster.vpc.node.path}), so this vpc would be ignored`,
        'Remove vpc, or give a cluster in that VPC.');
    }
    if (props.cluster) {
      this.cluster = props.cluster;
      if (spotShare > 0 && props.cluster instanceof ecs.Cluster) props.cluster.enableFargateCapacityProviders();
    } else {
      this.cluster = newServiceCluster(this, props.vpc, { encryptionKey: props.logEncryptionKey, logArchive: props.logArchive });
    }
    const vpc = props.vpc ?? this.cluster.vpc;
    if (props.serviceConnect) {
      checkServerName(this.node.path, props.serviceConnect.serverName);
      if (!props.serviceConnect.namespace && !this.cluster.defaultCloudMapNamespace) {
        throw invalid(this.node.path, 'serviceConnect.namespace', undefined, 'Service Connect needs a Cloud Map namespace, and the cluster has no default one',
          'Give serviceConnect.namespace, or a cluster with a default namespace (cluster.addDefaultCloudMapNamespace({ name, useForServiceConnect: true })).');
      }
    }

    // Task definition and container
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    explainLogGroupKey(this.logGroup, props.logEncryptionKey,
      'Encrypted by CloudWatch Logs with service keys; pass logEncryptionKey for a customer managed key.');
    props.logArchive?.addLogGroup(this.logGroup);

    this.ownRepository = props.imageRepository ? new ImageRepository(this, 'Images', props.imageRepository) : undefined;
    this.container = this.taskDefinition.addContainer('app', {
      image: this.containerImage(props),
      // A hard limit per container; with the collector sidecar the two limits add up to the task's memory.
      memoryLimitMiB: memoryLimitMiB - (props.prometheus ? COLLECTOR_MEMORY_MIB : 0),
      portMappings: [{ containerPort, name: 'http', appProtocol: ecs.AppProtocol.http }],
      // In key order: a Go map has none, and a new order would be a new task definition revision.
      environment: sortedByKey(props.environment),
      secrets: sortedByKey(props.secrets),
      command: props.command,
      user: props.user,
      readonlyRootFilesystem: readonlyRoot,
      healthCheck: props.containerHealthCheck,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app' }),
      linuxParameters: props.enableExecuteCommand
        ? new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true })
        : undefined,
    });
    const writable = [...(props.scratchPaths ?? ['/tmp'])];
    if (props.enableExecuteCommand && readonlyRoot) {
      // The SSM agent that ECS Exec injects writes here; on a read-only root it fails without volumes.
      writable.push(...EXEC_AGENT_PATHS.filter((p) => !writable.includes(p)));
    }
    writable.forEach((containerPath, i) => {
      const name = `scratch-${i}`;
      this.taskDefinition.addVolume({ name });
      this.container.addMountPoints({ sourceVolume: name, containerPath, readOnly: false });
    });

    // Security group: only the load balancer may reach the tasks.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: ec2Description(`Tasks of ${this.node.path}; admits the load balancer only`),
      allowAllOutbound: true,
    });
    this.ownConnections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(containerPort) });

    // Load balancer and target group (two for blue/green, canary and linear: ECS moves traffic between them)
    const hc = props.healthCheck ?? {};
    const deployment = props.deployment ?? ServiceDeployment.rolling();
    const targetGroupProps: elbv2.ApplicationTargetGroupProps = {
      vpc,
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: props.deregistrationDelay ?? SERVICE_DEFAULTS.deregistrationDelay,
      slowStart: props.slowStart,
      healthCheck: {
        path: hc.path ?? '/',
        healthyHttpCodes: hc.healthyHttpCodes ?? '200-399',
        interval: hc.interval ?? Duration.seconds(15),
        timeout: hc.timeout ?? Duration.seconds(5),
        healthyThresholdCount: hc.healthyThresholdCount ?? 2,
        unhealthyThresholdCount: hc.unhealthyThresholdCount ?? 3,
      },
    };
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', targetGroupProps);
    const progressiveOptions = deployment._progressive;
    this.alternate = progressiveOptions ? new elbv2.ApplicationTargetGroup(this, 'AlternateTargetGroup', targetGroupProps) : undefined;
    const binding = props.loadBalancer._bind(this, vpc, this.targetGroup, this.alternate && progressiveOptions
      ? { alternateTargetGroup: this.alternate, testTraffic: progressiveOptions.testTraffic ?? TestTraffic.header() }
      : undefined);
    this.listener = binding.listener;
    this.loadBalancer = binding.loadBalancer;
    this.listenerRule = binding.listenerRule;
    admitLoadBalancer(this.securityGroup, this.listener, ec2.Port.tcp(containerPort), binding.targetSecurityGroup);

    // Alarms are named before the service exists: the service lists some as deployment alarms.
    const namePrefix = alarmNamePrefix(this);
    const alarmOptions = props.alarms ?? {};
    const rollback = props.rollbackOnFailure ?? true;
    const rollbackAlarmIds: Array<[keyof ServiceAlarmsOptions, string]> = [
      ['serverErrorRate', 'ServerErrorRate'], ['p99Latency', 'P99Latency'], ['unhealthyHosts', 'UnhealthyHosts'],
    ];
    const deploymentAlarmNames = rollbackAlarmIds
      .filter(([key]) => alarmOptions[key]?.enabled !== false)
      .map(([, alarmId]) => `${namePrefix}-${alarmId}`);

    // Service
    const subnets = props.vpcSubnets ?? defaultPrivateSubnets(vpc);
    const extraGroups = [...props.securityGroups ?? [], ...binding.targetSecurityGroup ? [binding.targetSecurityGroup] : []];
    if (1 + extraGroups.length > MAX_TASK_SECURITY_GROUPS) {
      throw invalid(this.node.path, 'securityGroups.length', props.securityGroups?.length,
        `a task's network interface takes at most ${MAX_TASK_SECURITY_GROUPS} security groups: the service's own, these` +
        (binding.targetSecurityGroup ? ', and the shared listener\'s targetSecurityGroup' : ''),
        `Give at most ${MAX_TASK_SECURITY_GROUPS - 1 - (binding.targetSecurityGroup ? 1 : 0)} securityGroups.`);
    }
    // In a cluster of ours Exec is audited, and we grant exactly what that needs (CDK's own grants
    // would add log writes to every log group of the account).
    this.execEnabled = props.enableExecuteCommand ?? false;
    const execAudit = this.execEnabled ? ExecAudit.of(this.cluster) : undefined;
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      serviceName: props.serviceName,
      // No desiredCount: CloudFormation would send it on every update and undo autoscaling
      // mid-deployment. ECS starts with one task; the scalable target raises it to minTasks.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // The API keeps the circuit breaker to rolling updates; the others roll back on the alarms and the hook.
      circuitBreaker: progressiveOptions ? undefined : { enable: true, rollback },
      ...deployment._serviceProps(),
      deploymentAlarms: rollback && deploymentAlarmNames.length
        ? { alarmNames: deploymentAlarmNames, behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM }
        : undefined,
      healthCheckGracePeriod: props.healthCheckGracePeriod ?? SERVICE_DEFAULTS.healthCheckGracePeriod,
      enableExecuteCommand: props.enableExecuteCommand && !execAudit,
      securityGroups: [this.securityGroup, ...extraGroups],
      vpcSubnets: subnets,
      assignPublicIp: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      capacityProviderStrategies: spotShare > 0 ? spotStrategy(spotShare) : undefined,
      serviceConnectConfiguration: props.serviceConnect
        ? serviceConnectConfiguration(props.serviceConnect, containerPort, ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'service-connect' }))
        : undefined,
    });
    if (this.alternate && binding.progressive && progressiveOptions) {
      const { resources, target } = attachProgressiveDeployment(this, this.service, this.targetGroup, this.alternate,
        binding.progressive, progressiveOptions, {
          healthPath: hc.path ?? '/', healthyHttpCodes: hc.healthyHttpCodes ?? '200-399', subnets, vpc, logEncryptionKey: props.logEncryptionKey,
        }, containerPort);
      this.progressive = { ...resources, testRule: binding.progressive.testRule };
      // Newer aws-cdk-lib asks every service for a circuit breaker; the API keeps it to rolling updates.
      Annotations.of(this.service).acknowledgeWarning('@aws-cdk/aws-ecs:shouldUseCircuitBreaker',
        'Blue/green, canary and linear deployments roll back on the deployment alarms and the smoke-test hook; the circuit breaker is for rolling updates.');
      this.targetGroup.addTarget(ownRulesOnly(target, extraGroups.length > 0));
    } else {
      this.targetGroup.addTarget(ownRulesOnly(this.service.loadBalancerTarget({ containerName: 'app', containerPort }), extraGroups.length > 0));
    }
    // With a shared target group, the load balancer's egress rule is on its own group: tasks start after it. (Not on
    // the shared group's subtree: it holds rules that name other services' groups, which would make a cycle.)
    if (binding.targetSecurityGroup) this.service.node.addDependency(...this.listener.connections.securityGroups);
    // The service may only start once the cluster's capacity providers are associated.
    if (this.cluster instanceof ecs.Cluster) this.service.node.addDependency(this.cluster);

    // Prometheus
    if (props.prometheus) {
      const { workspace, collector } = addPrometheusSidecar(this, this.taskDefinition, containerPort,
        Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }), this.logGroup, props.prometheus, COLLECTOR_MEMORY_MIB);
      this.workspace = workspace;
      this.collectorContainer = collector;
      acknowledge(this.taskDefinition, [{
        id: 'AwsSolutions-ECS2',
        reason: 'The collector sidecar reads its (non-secret) scrape configuration from AOT_CONFIG_CONTENT.',
      }]);
    }

    // Scaling
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: this.minTasks, maxCapacity: this.maxTasks });
    const targets = scalingTargets(this.node.path, props.scaling);
    if (targets.cpu !== undefined) this.scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: targets.cpu });
    if (targets.memory !== undefined) this.scaling.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: targets.memory });
    if (targets.requests !== undefined && this.alternate) {
      scaleOnRequestsOfBoth(this.scaling, targets.requests, this.targetGroup, this.alternate);
    } else if (targets.requests !== undefined) {
      this.scaling.scaleOnRequestCount('RequestScaling', { requestsPerTarget: targets.requests, targetGroup: this.targetGroup });
    }

    // Alarms, topic, notifications, dashboard
    this.alarms = createServiceAlarms(this, namePrefix, this.alarmMetrics(), alarmOptions);
    this.alarmTopic = alarmTopicFor(this, props.alarmTopic);
    const action = new cw_actions.SnsAction(this.alarmTopic);
    for (const alarm of this.allAlarms()) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.eventRules = routeEcsEvents(this, this.alarmTopic, this.cluster.clusterArn, this.service.serviceArn, this.service.serviceName);
    ({ slackChannel: this.slackChannel, slackNotifier: this.slackNotifier } = subscribeSlack(this, this.alarmTopic, props, props.logEncryptionKey));
    if (props.dashboardRows ?? true) {
      this.rowsOn = props.dashboard ?? new cloudwatch.Dashboard(this, 'Dashboard');
      drawServiceRows(this.rowsOn, this, this.allAlarms(), props.dashboard ? this.node.id : undefined, this.alternate);
    }

    if (subnets.subnetType === ec2.SubnetType.PRIVATE_ISOLATED) {
      Annotations.of(this).addWarningV2('cdk-three-tier:isolatedTasks',
        'Tasks run in isolated subnets: the VPC needs interface endpoints for ECR (api, dkr), CloudWatch Logs and Secrets Manager, ' +
        'an S3 gateway endpoint, and images from ECR (public.ecr.aws has no endpoint).');
    }
    // The ECS Exec agent runs as root whatever the container's user (AWS's ECS Exec considerations):
    // its paths need no ownership of the user's.
    const userPaths = writable.filter((p) => (props.scratchPaths ?? ['/tmp']).includes(p));
    if (props.user && readonlyRoot && userPaths.length > 0) {
      Annotations.of(this).addWarningV2('cdk-three-tier:nonRootScratch',
        `Scratch volumes on Fargate are owned by root; user '${props.user}' can write to ${userPaths.join(', ')} only if the image ` +
        'creates those directories with its ownership (a VOLUME in the Dockerfile).');
    }
    if (execAudit) {
      (this.service.node.defaultChild as ecs.CfnService).enableExecuteCommand = true;
      execAudit.grantSessions(this.taskDefinition.taskRole);
    } else if (props.enableExecuteCommand) {
      Annotations.of(this).addWarningV2('cdk-three-tier:execNotAudited',
        'ECS Exec is on in a cluster this library did not create: set its executeCommandConfiguration (a KMS key, session logging) to audit the sessions.');
    }
    // After every grant, Exec's included: the role policies exist only once something is granted.
    acknowledgeServiceFindings(this, props.enableExecuteCommand ?? false);
    if (props.enableExecuteCommand && subnets.subnetType === ec2.SubnetType.PRIVATE_ISOLATED) {
      Annotations.of(this).addWarningV2('cdk-three-tier:execWithoutNat',
        'ECS Exec from isolated subnets needs ssmmessages and kms interface endpoints in the VPC.');
    }
  }

  /**
   * Let another service (its tasks' security group) call this one over Service Connect: a rule
   * on this service's container port from the other's group.
   */
  public allowServiceConnectFrom(other: ec2.IConnectable, description: string): void {
    allowFromClient(this, other, ec2.Port.tcp(this.containerPort), description);
  }

  /** Requests other services sent this one through Service Connect (sum a minute); throws unless it is a Service Connect server. */
  public metricServiceConnectRequests(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serviceConnectMetric('RequestCount', { statistic: 'Sum', ...options });
  }

  /** 5xx this service answered to Service Connect callers (sum a minute). */
  public metricServiceConnectServerErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serviceConnectMetric('HTTPCode_Target_5XX_Count', { statistic: 'Sum', ...options });
  }

  /** How long this service took to answer Service Connect callers (p99 a minute, milliseconds). */
  public metricServiceConnectResponseTime(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serviceConnectMetric('TargetResponseTime', { statistic: 'p99', ...options });
  }

  /** A server-side Service Connect metric (AWS/ECS, by cluster, service and discovery name). */
  private serviceConnectMetric(metricName: string, options: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.serverName) {
      throw invalid(this.node.path, 'serviceConnect.serverName', undefined, 'other services do not call this one over Service Connect, so it has no such metric',
        'Give serviceConnect.serverName (ThreeTierApp: serviceConnectName).');
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.service.serviceName, DiscoveryName: this.serverName },
      period: Duration.minutes(1),
      ...options,
    });
  }

  /** The CloudWatch dashboard the service draws on (its own, or the one given in `dashboard`); throws when `dashboardRows` is off. */
  public get dashboard(): cloudwatch.Dashboard {
    if (!this.rowsOn) {
      throw invalid(this.node.path, 'dashboard', undefined, 'the service draws no rows (dashboardRows: false, or a ThreeTierApp past dashboardServiceRows)',
        'Give the service dashboardRows: true (and a dashboard to draw on), or read its metrics (metricRequestCount(), ...).');
    }
    return this.rowsOn;
  }

  /** The service's own ECR repository; throws unless `imageRepository` is set. */
  public get imageRepository(): ImageRepository {
    if (!this.ownRepository) {
      throw invalid(this.node.path, 'imageRepository', undefined, 'this service has no repository of its own', 'Set imageRepository (e.g. imageRepository: {}) to create one.');
    }
    return this.ownRepository;
  }

  /** `imageTag` in the own repository, else `image`. */
  private containerImage(props: MonitoredEcsServiceProps): ecs.ContainerImage {
    if (props.imageTag !== undefined) {
      if (!this.ownRepository) {
        throw invalid(this.node.path, 'imageTag', props.imageTag, 'a tag names an image in the service\'s own repository, and it has none',
          'Set imageRepository too, or give image (e.g. ContainerImage.fromEcrRepository) for an image elsewhere.');
      }
      return this.ownRepository.image(props.imageTag);
    }
    if (props.image) return props.image;
    throw invalid(this.node.path, 'image', undefined, this.ownRepository
      ? 'the new repository is empty until CI pushes to it, so the first deploy needs an image to run'
      : 'the service has nothing to run',
    this.ownRepository
      ? 'Give image (e.g. ContainerImage.fromAsset) for the first deploy, then imageTag once CI has pushed.'
      : 'Give image (e.g. ContainerImage.fromAsset or fromRegistry), or imageRepository with imageTag.');
  }

  /** The Prometheus workspace the collector writes to; throws unless `prometheus` is set. */
  public get prometheusWorkspace(): aps.CfnWorkspace {
    if (!this.workspace) {
      throw invalid(this.node.path, 'prometheusWorkspace', undefined, 'this service scrapes no Prometheus metrics', 'Set prometheus (e.g. prometheus: {}) to get a workspace.');
    }
    return this.workspace;
  }

  /**
   * The log group that records this service's ECS Exec sessions (kept a year, KMS-encrypted,
   * streamed into the archive); throws unless Exec is on in a cluster this library created.
   */
  public get execSessionLogGroup(): logs.ILogGroup {
    const audit = this.execEnabled ? ExecAudit.of(this.cluster) : undefined;
    if (!audit) {
      throw invalid(this.node.path, 'execSessionLogGroup', undefined, 'ECS Exec is off here, or its cluster was not created by this library',
        'Set enableExecuteCommand: true, and let the service (or its ThreeTierApp) create the cluster.');
    }
    return audit.resources.logGroup;
  }

  /**
   * The service's own security group (`ec2.IConnectable`): allow other resources to reach the
   * service or be reached by it. A shared listener's `targetSecurityGroup`, which the tasks also
   * carry, is not part of it, so admitting the service admits this service only.
   */
  public get connections(): ec2.Connections {
    return this.ownConnections;
  }

  /** The task role (`iam.IGrantable`): grant the service's containers access to other resources. */
  public get grantPrincipal(): iam.IPrincipal {
    return this.taskDefinition.taskRole;
  }

  /** Change the task count limits on a schedule. */
  public addScheduledScaling(id: string, options: ScheduledScalingOptions): void {
    if (options.minTasks === undefined && options.maxTasks === undefined) {
      throw invalid(`${this.node.path}/${id}`, 'minTasks', undefined, 'a scheduled scaling action changes minTasks, maxTasks or both',
        'Give minTasks and/or maxTasks.');
    }
    checkSchedule(`${this.node.path}/${id}`, 'schedule', options.schedule.expressionString);
    for (const [prop, value] of [['minTasks', options.minTasks], ['maxTasks', options.maxTasks]] as const) {
      checkRange(`${this.node.path}/${id}`, prop, value, 0, 5000, 'a task count', { integer: true });
    }
    if (options.minTasks !== undefined && options.maxTasks !== undefined && options.minTasks > options.maxTasks) {
      throw invalid(`${this.node.path}/${id}`, 'minTasks', options.minTasks, `minTasks must not exceed maxTasks (${options.maxTasks})`,
        'Lower minTasks or raise maxTasks.');
    }
    this.claimScheduleId(id, 'scheduled scaling action');
    this.scaling.scaleOnSchedule(id, { schedule: options.schedule, minCapacity: options.minTasks, maxCapacity: options.maxTasks });
  }

  /** Raise the task limits for a known peak, then restore the service's own limits. */
  public addScalingWindow(id: string, options: ScalingWindowOptions): void {
    const path = `${this.node.path}/${id}`;
    checkSchedule(path, 'start', options.start.expressionString);
    checkSchedule(path, 'end', options.end.expressionString);
    checkWindow(path, options.start.expressionString, options.end.expressionString);
    const max = options.maxTasks ?? Math.max(this.maxTasks, options.minTasks);
    if (options.minTasks > max) {
      throw invalid(path, 'minTasks', options.minTasks, `minTasks must not exceed maxTasks (${max})`,
        'Lower minTasks or raise maxTasks.');
    }
    this.claimScheduleId(id, 'scaling window');
    this.addScheduledScaling(`${id}Start`, { schedule: options.start, minTasks: options.minTasks, maxTasks: max });
    this.addScheduledScaling(`${id}End`, { schedule: options.end, minTasks: this.minTasks, maxTasks: this.maxTasks });
  }

  /** Ids of scheduled actions and windows: a window takes `<id>Start` and `<id>End` too. */
  private claimScheduleId(id: string, what: string): void {
    checkId(this.node.path, what, id, this.scheduleIds.has(id), 'Peak');
    this.scheduleIds.add(id);
  }

  /** Send every alarm (ALARM and OK) to another action too. */
  public addAlarmAction(action: cloudwatch.IAlarmAction): void {
    for (const alarm of this.allAlarms()) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** The Grafana dashboard (JSON model) for this service; import it into Grafana or Amazon Managed Grafana. */
  public grafanaDashboardJson(): string {
    return Stack.of(this).toJsonString(grafanaDashboardModel(this, this, this.workspace !== undefined));
  }

  /** Requests the targets received (sum per minute). */
  public metricRequestCount(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.requestCount({ period: Duration.minutes(1), ...options });
  }

  /** 5xx responses of the targets (sum per minute). */
  public metricServerErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1), ...options });
  }

  /** 4xx responses of the targets (sum per minute). */
  public metricClientErrors(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { period: Duration.minutes(1), ...options });
  }

  /** Target response time in seconds (default p99 per minute). */
  public metricTargetResponseTime(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.targetResponseTime({ period: Duration.minutes(1), statistic: 'p99', ...options });
  }

  /** Healthy targets (minimum per minute). */
  public metricHealthyHosts(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum', ...options });
  }

  /** Unhealthy targets (maximum per minute). */
  public metricUnhealthyHosts(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum', ...options });
  }

  /** CPU utilization of the service (average per minute). */
  public metricCpuUtilization(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization({ period: Duration.minutes(1), ...options });
  }

  /** Memory utilization of the service (average per minute). */
  public metricMemoryUtilization(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricMemoryUtilization({ period: Duration.minutes(1), ...options });
  }

  /** Running tasks (Container Insights). */
  public metricRunningTasks(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.containerInsightsMetric('RunningTaskCount', options);
  }

  /** Desired tasks (Container Insights). */
  public metricDesiredTasks(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.containerInsightsMetric('DesiredTaskCount', options);
  }

  private containerInsightsMetric(metricName: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.service.serviceName },
      statistic: 'Average',
      period: Duration.minutes(1),
      ...options,
    });
  }

  private alarmMetrics(): AlarmMetrics {
    const period = Duration.minutes(1);
    const alt = this.alternate;
    if (alt) return { ...this.serviceAlarmMetrics(period), ...bothTargetGroupsAlarmMetrics(this.targetGroup, alt, period) };
    return {
      serverErrorRate: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { errors: this.metricServerErrors(), requests: this.metricRequestCount() },
        label: '5xx rate (%)',
        period,
      }),
      // TargetResponseTime is in seconds; the alarm threshold is in milliseconds.
      p99Latency: new cloudwatch.MathExpression({
        expression: '1000 * latency',
        usingMetrics: { latency: this.metricTargetResponseTime() },
        label: 'p99 latency (ms)',
        period,
      }),
      unhealthyHosts: this.metricUnhealthyHosts(),
      ...this.serviceAlarmMetrics(period),
    };
  }

  /** The task-side signals, the same whichever target group serves. */
  private serviceAlarmMetrics(period: Duration): Pick<AlarmMetrics, 'cpu' | 'memory' | 'tasksBelowDesired'> {
    return {
      cpu: this.metricCpuUtilization(),
      memory: this.metricMemoryUtilization(),
      tasksBelowDesired: new cloudwatch.MathExpression({
        expression: 'desired - running',
        usingMetrics: { desired: this.metricDesiredTasks(), running: this.metricRunningTasks() },
        label: 'tasks below desired',
        period,
      }),
    };
  }

  /** The second target group of a blue/green, canary or linear service; throws for a rolling one. */
  public get alternateTargetGroup(): elbv2.ApplicationTargetGroup {
    if (!this.alternate) throw notProgressive(this, 'alternateTargetGroup');
    return this.alternate;
  }

  /** The Lambda function that smoke-tests each new revision through the test rule; throws for a rolling service. */
  public get deploymentHook(): lambda.Function {
    if (!this.progressive) throw notProgressive(this, 'deploymentHook');
    return this.progressive.hook;
  }

  /** The rule that sends test traffic (the hook's requests) to the new revision; throws for a rolling service. */
  public get testListenerRule(): elbv2.ApplicationListenerRule {
    if (!this.progressive) throw notProgressive(this, 'testListenerRule');
    return this.progressive.testRule;
  }

  /** The role ECS moves traffic between the target groups with; throws for a rolling service. */
  public get deploymentRole(): iam.IRole {
    if (!this.progressive) throw notProgressive(this, 'deploymentRole');
    return this.progressive.infrastructureRole;
  }

  private allAlarms(): cloudwatch.Alarm[] {
    return Object.values(this.alarms).filter((a): a is cloudwatch.Alarm => a !== undefined);
  }
}

/**
 * When the tasks carry groups besides their own, the target is attached without CDK's rules for
 * it, which would admit the load balancer to every group the tasks carry: `admitLoadBalancer` made
 * the rules, for the service's own group (and the load balancer's egress to the shared group).
 */
function ownRulesOnly(target: elbv2.IApplicationLoadBalancerTarget, otherGroups: boolean): elbv2.IApplicationLoadBalancerTarget {
  if (!otherGroups) return target;
  return {
    attachToApplicationTargetGroup: (group) => target.attachToApplicationTargetGroup(
      Object.create(group, { registerConnectable: { value: () => undefined } })),
  };
}

function notProgressive(service: Construct, handle: string): Error {
  return invalid(service.node.path, handle, undefined, 'this service deploys rolling, with one target group and no test rule or hook',
    'Set deployment: ServiceDeployment.blueGreen(), .canary() or .linear().');
}

/**
 * The load balancer signals over both target groups: after a blue/green swap production traffic
 * is on the other one, and during a canary on both. Requests and errors add up (SUM ignores a group
 * without data); latency is the worse of the two p99s.
 */
function bothTargetGroupsAlarmMetrics(a: elbv2.ApplicationTargetGroup, b: elbv2.ApplicationTargetGroup,
  period: Duration): Pick<AlarmMetrics, 'serverErrorRate' | 'p99Latency' | 'unhealthyHosts'> {
  const m = (tg: elbv2.ApplicationTargetGroup) => ({
    requests: tg.metrics.requestCount({ period }),
    errors: tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period }),
    latency: tg.metrics.targetResponseTime({ period, statistic: 'p99' }),
    unhealthy: tg.metrics.unhealthyHostCount({ period, statistic: 'Maximum' }),
  });
  const [x, y] = [m(a), m(b)];
  return {
    serverErrorRate: new cloudwatch.MathExpression({
      expression: 'IF(SUM([r1, r2]) > 0, 100 * SUM([e1, e2]) / SUM([r1, r2]), 0)',
      usingMetrics: { r1: x.requests, r2: y.requests, e1: x.errors, e2: y.errors },
      label: '5xx rate (%), both target groups',
      period,
    }),
    p99Latency: new cloudwatch.MathExpression({
      expression: '1000 * MAX([l1, l2])',
      usingMetrics: { l1: x.latency, l2: y.latency },
      label: 'p99 latency (ms), the worse target group',
      period,
    }),
    unhealthyHosts: new cloudwatch.MathExpression({
      expression: 'SUM([u1, u2])',
      usingMetrics: { u1: x.unhealthy, u2: y.unhealthy },
      label: 'unhealthy hosts, both target groups',
      period,
    }),
  };
}

/**
 * Requests per healthy task over both target groups, tracked with metric math: the predefined
 * ALBRequestCountPerTarget names one target group, which after a blue/green swap serves nothing.
 */
function scaleOnRequestsOfBoth(scaling: ecs.ScalableTaskCount, requestsPerTask: number,
  a: elbv2.ApplicationTargetGroup, b: elbv2.ApplicationTargetGroup): void {
  scaling.scaleToTrackCustomMetric('RequestScaling', { metric: a.metrics.requestCount(), targetValue: requestsPerTask });
  // The policy is made under the scalable target; its metric becomes the expression below.
  const cfn = scaling.node.findChild('Target').node.findChild('RequestScaling').node.defaultChild as CfnResource;
  const stat = (tg: elbv2.ApplicationTargetGroup, metricName: string, statistic: string, id: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: metricName,
        Dimensions: [{ Name: 'TargetGroup', Value: tg.targetGroupFullName }, { Name: 'LoadBalancer', Value: tg.firstLoadBalancerFullName }],
      },
      Stat: statistic,
    },
    ReturnData: false,
  });
  const spec = 'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification';
  for (const key of ['MetricName', 'Namespace', 'Dimensions', 'Statistic', 'Unit']) cfn.addPropertyDeletionOverride(`${spec}.${key}`);
  cfn.addPropertyOverride(`${spec}.Metrics`, [
    stat(a, 'RequestCount', 'Sum', 'r1'), stat(b, 'RequestCount', 'Sum', 'r2'),
    stat(a, 'HealthyHostCount', 'Average', 'h1'), stat(b, 'HealthyHostCount', 'Average', 'h2'),
    { Id: 'perTask', Expression: 'SUM([r1, r2]) / SUM([h1, h2])', Label: 'requests per healthy task', ReturnData: true },
  ]);
}

/** Memory hard limit of the OpenTelemetry collector sidecar. */
const COLLECTOR_MEMORY_MIB = 128;

/** Security groups a task's network interface takes (ECS's awsvpcConfiguration). */
const MAX_TASK_SECURITY_GROUPS = 5;

/** Writable paths the ECS Exec SSM agent needs (containers-roadmap #1359). */
const EXEC_AGENT_PATHS = ['/managed-agents', '/var/lib/amazon/ssm', '/var/log/amazon/ssm'];

/** One task always on on-demand Fargate; the rest split by `share`. */
function spotStrategy(share: number): ecs.CapacityProviderStrategy[] {
  const spot = Math.round(share * 10);
  return [
    { capacityProvider: 'FARGATE', base: 1, weight: 10 - spot },
    { capacityProvider: 'FARGATE_SPOT', weight: spot },
  ];
}

/**
 * A window opens and closes at points in time: the same expression twice, a rate (which repeats
 * from creation, not from a clock time) or a one-off end before its start is never a window.
 */
function checkWindow(path: string, start: string, end: string): void {
  if (Token.isUnresolved(start) || Token.isUnresolved(end)) return;
  for (const [prop, expression] of [['start', start], ['end', end]] as const) {
    if (expression.startsWith('rate(')) {
      throw invalid(path, prop, expression, 'a window opens and closes at clock times, and a rate repeats from when the action is created',
        'Use Schedule.cron({ ... }) for a recurring window, or Schedule.at(date) for a one-off.');
    }
  }
  if (start === end) {
    throw invalid(path, 'end', end, 'the window would close when it opens', 'Give end a later time than start.');
  }
  const at = (e: string) => e.startsWith('at(') ? e.slice(3, -1) : undefined;
  const [from, to] = [at(start), at(end)];
  if (from !== undefined && to !== undefined && to <= from) {
    throw invalid(path, 'end', end, `a one-off window must end after it starts (${start})`, 'Give end a later date than start.');
  }
}

interface ResolvedNumbers {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly spotShare: number;
  readonly containerPort: number;
}

function validateProps(scope: Construct, props: MonitoredEcsServiceProps, n: ResolvedNumbers): void {
  const path = scope.node.path;
  validateFargateSize(path, n.cpu, n.memoryLimitMiB);
  if (!Number.isInteger(n.minTasks) || n.minTasks < 1) {
    throw invalid(path, 'minTasks', n.minTasks, 'a service keeps a whole number of at least 1 task: rolling deployments need one to keep serving',
      'Give minTasks 1 or more.');
  }
  if (n.minTasks > n.maxTasks) {
    throw invalid(path, props.minTasks === undefined ? 'maxTasks' : 'minTasks', props.minTasks === undefined ? n.maxTasks : n.minTasks,
      `minTasks (${n.minTasks}) must not exceed maxTasks (${n.maxTasks})`, 'Lower minTasks or raise maxTasks.');
  }
  if (n.spotShare < 0 || n.spotShare > 1) {
    throw invalid(path, 'spotShare', n.spotShare, 'the share of tasks on Fargate Spot is from 0 to 1', 'Give spotShare from 0 (no Spot) to 1 (all Spot).');
  }
  if (!Number.isInteger(n.containerPort) || n.containerPort < 1 || n.containerPort > 65535) {
    throw invalid(path, 'containerPort', n.containerPort, 'a container port is a TCP port from 1 to 65535', 'Give the port the container listens on, e.g. 8080.');
  }
  checkTargetGroup(scope.node.path, props.healthCheck ?? {}, props.deregistrationDelay);
  const slowStart = literalSeconds(props.slowStart);
  if (slowStart !== undefined && slowStart !== 0 && (slowStart < 30 || slowStart > 900 || !Number.isInteger(slowStart))) {
    throw invalid(path, 'slowStart', props.slowStart, 'a target group slow start is whole seconds from 30 to 900, or 0 for none',
      'Give slowStart from 30 to 900 seconds, or leave it out.');
  }
  checkSeconds(path, 'healthCheckGracePeriod', props.healthCheckGracePeriod, 0, 2147483647, 'an ECS health check grace period');
  checkLogRetention(path, 'logRetention', props.logRetention);
  props.deployment?._validate(path);
  const progressive = props.deployment?._progressive;
  props.loadBalancer._validate(scope, progressive ? progressive.testTraffic ?? TestTraffic.header() : undefined);
  scalingTargets(path, props.scaling);
  const serviceName = literalString(props.serviceName);
  if (serviceName !== undefined && !/^[a-zA-Z0-9_-]{1,255}$/.test(serviceName)) {
    throw invalid(scope.node.path, 'serviceName', serviceName, 'an ECS service name has 1-255 letters, digits, \'-\' or \'_\'',
      `Use '${serviceName.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 255) || 'service'}', or leave serviceName out to let CloudFormation name it.`);
  }
  const chatbotName = literalString(props.slackChatbot?.configurationName);
  if (chatbotName !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(chatbotName)) {
    throw invalid(scope.node.path, 'slackChatbot.configurationName', chatbotName, 'a Chatbot configuration name has 1-128 letters, digits, \'-\' or \'_\'',
      `Use '${chatbotName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128) || 'alarms'}'.`);
  }
  for (const p of (props.scratchPaths ?? []).map(literalString)) {
    if (p !== undefined && !p.startsWith('/')) {
      throw invalid(path, 'scratchPaths', p, 'a scratch path is where a writable volume is mounted in the container, an absolute path',
        `Write it as '/${p.replace(/^\.?\/*/, '')}'.`);
    }
  }
}

/** Findings the construct means to have, on the resource they concern. */
function acknowledgeServiceFindings(service: MonitoredEcsService, execEnabled: boolean): void {
  const execRole = service.taskDefinition.executionRole;
  const execPolicy = execRole?.node.tryFindChild('DefaultPolicy');
  if (execPolicy) {
    acknowledge(execPolicy, [
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ecr:GetAuthorizationToken has no resource-level permissions; ECS adds it to pull images.' },
      ...inCompliancePacks('IAMNoInlinePolicy',
        'The ECS execution role policy is generated by CDK from the image, log group and secrets it must read.'),
    ]);
  }
  const taskPolicy = service.taskDefinition.taskRole.node.tryFindChild('DefaultPolicy');
  if (taskPolicy) {
    acknowledge(taskPolicy, [
      // Only ECS Exec puts `*` here by our hand; a user's own wildcard grant stays visible otherwise.
      ...(!execEnabled ? [] : [
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ECS Exec (ssmmessages) has no resource-level permissions.' },
      ]),
      ...inCompliancePacks('IAMNoInlinePolicy',
        'The task role policy is generated by CDK from the grants the service needs (Exec, Prometheus remote write).'),
    ]);
  }
}

/** The same record with its keys in sorted order (undefined stays undefined). */
function sortedByKey<T>(record: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!record) return undefined;
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
}
