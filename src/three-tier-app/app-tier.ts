import { Duration, NestedStack, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { listenerPaths } from './routes';
import { ILogArchive } from '../log-archive-bucket';
import { MonitoredEcsService, MonitoredEcsServiceOptions, ServiceLoadBalancer } from '../monitored-ecs-service';
import { ec2Description } from '../private/cfn-text';
import { newServiceCluster } from '../private/cluster';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { alarmTopicFor } from '../private/notifications';
import { defaultPrivateSubnets } from '../private/subnets';
import { checkId, invalid } from '../private/validate';

/** Target groups per Application Load Balancer (a fixed quota). */
const LOAD_BALANCER_TARGET_GROUPS = 100;

/** Where the app tier puts each service's resources. */
export enum ServicePlacement {
  /**
   * In the app tier's stack. A service adds about 24 CloudFormation resources (roles, security
   * group and rule, task definition, target group, listener rule, scaling, alarms, event rules), so
   * about 16 services fit beside the rest of a `ThreeTierApp` under the 500-resource limit.
   */
  SAME_STACK = 'same-stack',
  /**
   * Each service in a nested stack of its own (`<id>Stack`), which adds two resources to the app
   * tier's stack (the nested stack and, with a log archive, the log subscription), so the
   * 500-resource limit no longer binds. The shared security groups' rules do not grow with the
   * services (they name `servicesSecurityGroup`); the load balancer's quotas bind at 100 services
   * (100 target groups, fixed; 100 listener rules, adjustable; a progressive deployment takes two of each).
   * CloudFormation passes the shared pieces (cluster, listener, topic, database) as parameters.
   * Switching an existing service between placements replaces it, and its new listener rule
   * cannot take the old one's priority while both exist: give it a new `priority` when you switch.
   */
  NESTED_STACKS = 'nested-stacks',
}

/** A service of the app tier: a `MonitoredEcsService` plus how the shared listener routes to it. */
export interface AppServiceOptions extends MonitoredEcsServiceOptions {
  /**
   * Paths routed to this service. In a `ThreeTierApp`, CloudFront sends each of them to the load
   * balancer too (unless the API path pattern covers it); with `AppTier` alone, call `WebTier.addApiPath`.
   * @default ['/api/*']
   */
  readonly pathPatterns?: string[];
  /**
   * Host headers routed to this service, in addition to the paths.
   * @default - any host
   */
  readonly hostHeaders?: string[];
  /**
   * Listener rule priority, unique on the shared listener.
   * @default - 10 for the first service, 20 for the second, ...
   */
  readonly priority?: number;
}

/** Defaults a cost profile sets for every service (each service may still set its own). */
export interface AppServiceDefaults {
  /** Minimum task count. */
  readonly minTasks: number;
  /** Maximum task count. */
  readonly maxTasks: number;
  /** Share of Fargate Spot. */
  readonly spotShare: number;
  /**
   * Task CPU units, for a service that sets neither `cpu` nor `memoryLimitMiB`.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, for a service that sets neither `cpu` nor `memoryLimitMiB`.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
}

/** Properties of an `AppTier`. */
export interface AppTierProps {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Archive of the load balancer's access logs and the services' logs. */
  readonly logArchive: ILogArchive;
  /**
   * KMS key of the ECS Exec session channel and of the session log.
   * @default - a new key, made with the first service that turns Exec on
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Subnets of the load balancer and the tasks.
   * @default - private subnets with egress, or isolated subnets when the VPC has none
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Topic that receives every alarm and ECS event of the services.
   * @default - a new topic encrypted with a new KMS key
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Protect the load balancer from deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Values a service gets where its options are silent.
   * @default - 2 to 10 tasks on on-demand Fargate
   */
  readonly serviceDefaults?: AppServiceDefaults;
  /**
   * Where each service's resources go.
   * @default ServicePlacement.SAME_STACK
   */
  readonly servicePlacement?: ServicePlacement;
}

/**
 * The app tier: one ECS cluster and one internal Application Load Balancer that CloudFront reaches
 * through a VPC origin, with `MonitoredEcsService`s routed by path or host on its listener.
 */
export class AppTier extends Construct {
  /** The ECS cluster (Container Insights enhanced, Fargate and Fargate Spot providers). */
  public readonly cluster: ecs.Cluster;
  /** The internal load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTP listener (port 80) that CloudFront's VPC origin connects to. */
  public readonly listener: elbv2.ApplicationListener;
  /** Topic that receives every alarm and ECS event. */
  public readonly alarmTopic: sns.ITopic;
  /**
   * The group every service's tasks carry beside their own. The load balancer's egress rules name
   * it (one per container port), and in a `ThreeTierApp` the database, the interface endpoints and
   * Service Connect servers admit it once, so no shared group's rules grow with the services.
   * Admitting it admits every service of the tier; admit a service's `connections` to admit that service only.
   */
  public readonly servicesSecurityGroup: ec2.SecurityGroup;
  /** The services, in the order they were added. */
  public readonly services: MonitoredEcsService[] = [];
  private readonly ruleOrder: Array<{ id: string; priority: number; catchAll: boolean }> = [];

  private readonly vpc: ec2.IVpc;
  private readonly vpcSubnets?: ec2.SubnetSelection;
  private readonly logArchive: ILogArchive;
  private readonly defaults?: AppServiceDefaults;
  private readonly placement: ServicePlacement;
  private readonly routes = new Map<string, string>();
  private targetGroups = 0;

  constructor(scope: Construct, id: string, props: AppTierProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.vpcSubnets = props.vpcSubnets;
    this.logArchive = props.logArchive;
    this.defaults = props.serviceDefaults;
    this.placement = props.servicePlacement ?? ServicePlacement.SAME_STACK;
    this.cluster = newServiceCluster(this, props.vpc, { encryptionKey: props.logEncryptionKey, logArchive: props.logArchive });
    this.alarmTopic = alarmTopicFor(this, props.alarmTopic);

    const sg = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: ec2Description(`Load balancer of ${this.node.path}; admits the CloudFront VPC origin only`),
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? defaultPrivateSubnets(props.vpc),
      internetFacing: false,
      securityGroup: sg,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? true,
      idleTimeout: Duration.seconds(60),
    });
    props.logArchive.addApplicationLoadBalancer(this.loadBalancer);
    this.servicesSecurityGroup = new ec2.SecurityGroup(this, 'ServicesSecurityGroup', {
      vpc: props.vpc,
      description: ec2Description(`Carried by every service of ${this.node.path} beside its own group; admits nothing`),
      // As the tasks' own groups: their egress stays constant too (no rule per peer that admits this group).
      allowAllOutbound: true,
    });
    this.listener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: '{"message":"no service routes this path"}',
      }),
    });
    acknowledge(this.loadBalancer, [
      ...inCompliancePacks('ALBWAFEnabled', 'The load balancer is internal; WAF runs on the CloudFront distribution, its only way in.',
        ['NIST.800.53.R5', 'PCI.DSS.321']),
      ...(props.deletionProtection ?? true ? [] : inCompliancePacks('ELBDeletionProtectionEnabled',
        'Deletion protection is off by choice (development profile or deletionProtection: false).', ['NIST.800.53.R5', 'HIPAA.Security'])),
    ]);
    if (!(props.deletionProtection ?? true)) {
      suppressGuard(this.loadBalancer, [{
        rule: 'elbv2_deletion_protection_enabled_check',
        reason: 'Deletion protection is off by choice (the development profile, or deletionProtection: false); production keeps it on.',
      }]);
    }
    suppressGuard(this.listener, [{
      rule: 'alb_http_to_https_redirection_check',
      reason: 'Only CloudFront\'s VPC origin reaches this internal listener, over the AWS network; viewers use HTTPS on CloudFront, and a redirect would loop.',
    }]);
    acknowledge(this.listener, [
      ...inCompliancePacks('ELBv2ACMCertificateRequired',
        'CloudFront reaches the internal load balancer through a VPC origin over the AWS network; viewers use HTTPS on CloudFront.'),
      ...inCompliancePacks('ALBHttpToHttpsRedirection',
        'Only CloudFront\'s VPC origin reaches this internal listener; redirecting would loop. Viewers use HTTPS on CloudFront.',
        ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']),
    ]);
  }

  /**
   * The services' target groups on the one load balancer: at most 100, a fixed quota. Each service
   * has as many listener rules as target groups, so the rules (100 by default) reach theirs together.
   */
  private checkTargetGroupQuota(id: string, service: MonitoredEcsService): void {
    this.targetGroups += service.node.findAll().filter((c) => c instanceof elbv2.ApplicationTargetGroup).length;
    if (this.targetGroups > LOAD_BALANCER_TARGET_GROUPS) {
      throw invalid(service.node.path, 'services', `${this.targetGroups} target groups`,
        `an Application Load Balancer takes at most ${LOAD_BALANCER_TARGET_GROUPS} target groups (a fixed quota), and each service has one ` +
        '(two with a blue/green, canary or linear deployment)', `Deploy '${id}' and the services after it rolling, or put them in a second ThreeTierApp.`);
    }
  }

  /** Run a service behind the shared listener. */
  public addService(id: string, options: AppServiceOptions): MonitoredEcsService {
    checkId(this.node.path, 'service', id, this.services.some((s) => s.node.id === id) || this.node.tryFindChild(id) !== undefined, 'Items');
    const pathPatterns = listenerPaths(options.pathPatterns, options.hostHeaders);
    const priority = options.priority ?? (this.services.length + 1) * 10;
    const routeKey = JSON.stringify([pathPatterns ?? [], options.hostHeaders ?? []]);
    const clash = this.routes.get(routeKey);
    if (clash) {
      throw invalid(this.node.path, `service '${id}' pathPatterns/hostHeaders`, routeKey,
        `service '${clash}' already routes the same paths and hosts, so one of them would never receive traffic`,
        'Give one of them other pathPatterns or hostHeaders.');
    }
    this.routes.set(routeKey, id);
    // The listener evaluates rules by ascending priority: a catch-all path ('/*') without a host
    // condition takes every request, so every rule after it would never be reached.
    const catchAll = !options.hostHeaders?.length && (pathPatterns ?? []).some((p) => p === '/*' || p === '*');
    for (const other of this.ruleOrder) {
      const [first, later] = other.priority < priority ? [other, { id, priority, catchAll }] : [{ id, priority, catchAll }, other];
      if (first.catchAll && later.priority > first.priority) {
        throw invalid(this.node.path, `service '${first.id}' pathPatterns`, ['/*'],
          `at priority ${first.priority} it takes every request before service '${later.id}' (priority ${later.priority}) is considered`,
          `Give '${first.id}' a priority above every other service's (it is then evaluated last), or narrower pathPatterns.`);
      }
    }
    this.ruleOrder.push({ id, priority, catchAll });
    // A profile's task size applies as a pair, so a service that sets one of them keeps a valid pair.
    const sized = options.cpu !== undefined || options.memoryLimitMiB !== undefined;
    const scope = this.placement === ServicePlacement.NESTED_STACKS
      ? new NestedStack(this, `${id}Stack`, { description: `Service ${id} of ${this.node.path}` })
      : this;
    // Defaults after the options: a key given as `undefined` must not wipe out the default.
    const service = new MonitoredEcsService(scope, id, {
      ...options,
      cpu: sized ? options.cpu : this.defaults?.cpu,
      memoryLimitMiB: sized ? options.memoryLimitMiB : this.defaults?.memoryLimitMiB,
      minTasks: options.minTasks ?? this.defaults?.minTasks,
      maxTasks: options.maxTasks ?? this.defaults?.maxTasks,
      spotShare: options.spotShare ?? this.defaults?.spotShare,
      logArchive: options.logArchive ?? this.logArchive,
      loadBalancer: ServiceLoadBalancer.sharedListener(this.listener, {
        priority, pathPatterns, hostHeaders: options.hostHeaders, targetSecurityGroup: this.servicesSecurityGroup,
      }),
      cluster: this.cluster,
      vpc: this.vpc,
      vpcSubnets: options.vpcSubnets ?? this.vpcSubnets,
      alarmTopic: options.alarmTopic ?? this.alarmTopic,
    });
    this.services.push(service);
    this.checkTargetGroupQuota(id, service);
    return service;
  }
}
