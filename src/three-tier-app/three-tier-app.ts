import {
  Annotations, CfnWaitConditionHandle, Names, Stack, aws_chatbot as chatbot, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_lambda as lambda,
  aws_kms as kms, aws_secretsmanager as secretsmanager, aws_servicediscovery as servicediscovery, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppServiceOptions, AppTier, ServicePlacement } from './app-tier';
import { UserAuth, UserAuthProps } from './auth';
import { DatabaseAccess } from './data/binding';
import { DataStore, DataTier } from './data-tier';
import { API_PATH_PATTERN } from './defaults';
import { DeveloperAccess, DeveloperAccessOptions } from './developer-access';
import { ThreeTierEdgeStack } from './edge';
import { GrafanaVersion, ManagedGrafana } from './grafana';
import { GrafanaAuthentication } from './grafana-auth';
import { systemGrafanaRows } from './grafana-system';
import { NatMode, Network } from './network';
import { SystemAlarms, createSystemAlarms, createSystemDashboard } from './observe';
import { CostProfile } from './profile';
import { listenerPaths } from './routes';
import { WebDomainProps, WebTier, defaultContentSecurityPolicy } from './web-tier';
import { CloudFrontLogFormat, ILogArchive, LogArchiveBucket } from '../log-archive-bucket';
import { MonitoredEcsService, ChatbotSlackChannel } from '../monitored-ecs-service';
import { PortTestTraffic } from '../monitored-ecs-service/deployment';
import { ec2Description } from '../private/cfn-text';
import { newLogGroupKey } from '../private/kms';
import { acknowledge, inCompliancePacks } from '../private/nag';
import { alarmTopicFor, subscribeSlack } from '../private/notifications';
import { checkRange, invalid } from '../private/validate';
import { ValkeyCache, ValkeyCacheOptions } from '../valkey-cache';

/** Test ports one load balancer's security group has room for, beside CloudFront's prefix list (55 of 60 rules). */
const MAX_TEST_PORTS = 4;

/** A service of a `ThreeTierApp`. */
export interface ThreeTierServiceOptions extends AppServiceOptions {
  /**
   * How the service reaches the database.
   * @default DatabaseAccess.MASTER_SECRET
   */
  readonly databaseAccess?: DatabaseAccess;
  /**
   * Database user for `DatabaseAccess.IAM`.
   * @default 'app'
   */
  readonly databaseUser?: string;
  /**
   * Let the service reach the system's cache: a security-group rule, its cache user and
   * `CACHE_*` in its environment (see `ValkeyCache.connect`). Needs `cache` on the system.
   * @default false
   */
  readonly cache?: boolean;
  /**
   * Short name the system's other services call this one by over Service Connect
   * (`http://<name>:<containerPort>`); its tasks then admit theirs on the container port. Needs
   * `serviceConnect` on the system.
   * @default - a Service Connect client only (with `serviceConnect`), which nobody calls
   */
  readonly serviceConnectName?: string;
  /**
   * Give the service the system's user pool, to check signed-in callers' tokens:
   * `COGNITO_USER_POOL_ID` and `COGNITO_CLIENT_ID` in its environment. Needs `auth` on the system.
   * @default false
   */
  readonly auth?: boolean;
}

/** Amazon Managed Grafana over the system (`ThreeTierAppProps.grafana`). */
export interface ThreeTierGrafanaOptions {
  /** How users sign in (`identityCenter()` needs IAM Identity Center enabled in the account). */
  readonly authentication: GrafanaAuthentication;
  /**
   * Grafana version.
   * @default GrafanaVersion.V10_4
   */
  readonly grafanaVersion?: GrafanaVersion;
}

/** Service Connect between the services of a `ThreeTierApp` (`ThreeTierAppProps.serviceConnect`). */
export interface ThreeTierServiceConnectOptions {
  /**
   * Name of the Cloud Map HTTP namespace the system's cluster gets (services call each other by
   * their short `serviceConnectName`, not by this).
   * @default - derived from the construct path
   */
  readonly namespaceName?: string;
}

/** A service given in `ThreeTierAppProps.services`. */
export interface ThreeTierServiceDefinition extends ThreeTierServiceOptions {
  /** Construct id of the service (e.g. `Items`). */
  readonly id: string;
}

/** Properties of a `ThreeTierApp`. */
export interface ThreeTierAppProps {
  /**
   * Defaults that trade cost against resilience.
   * @default CostProfile.production()
   */
  readonly profile?: CostProfile;
  /**
   * The us-east-1 stack with the web ACL (and certificate); needed when this stack is not in us-east-1.
   * @default - web ACL (and certificate) created here, which needs this stack in us-east-1
   */
  readonly edge?: ThreeTierEdgeStack;
  /**
   * Put a WAF web ACL in front of CloudFront.
   * @default true
   */
  readonly wafEnabled?: boolean;
  /**
   * Use this VPC.
   * @default - a new VPC shaped by the profile
   */
  readonly vpc?: ec2.IVpc;
  /**
   * NAT mode of a new VPC.
   * @default - the profile's (NAT instance for development, gateway per AZ for production)
   */
  readonly natMode?: NatMode;
  /**
   * AZ count of a new VPC.
   * @default - the profile's (2 for development, 3 for production)
   */
  readonly maxAzs?: number;
  /**
   * The archive of every log: a `LogArchiveBucket`, a system's share of one
   * (`LogArchiveBucket.addSystem`) or a central archive of another stack or account
   * (`LogArchiveBucket.fromArchiveAttributes`).
   * @default - a new `LogArchiveBucket` with its defaults
   */
  readonly logArchive?: ILogArchive;
  /**
   * Custom domain. With `edge`, the edge stack's domain and certificate are used unless this is set.
   * @default - the edge stack's domain, or none
   */
  readonly domain?: WebDomainProps;
  /**
   * A local folder deployed as the site.
   * @default - nothing deployed
   */
  readonly siteDirectory?: string;
  /**
   * Path pattern that CloudFront sends to the services. Service `pathPatterns` outside it are
   * routed through CloudFront as well (a cache behavior each).
   * @default '/api/*'
   */
  readonly apiPathPattern?: string;
  /**
   * Content-Security-Policy of every response.
   * @default - the `WebTier` default, plus `connect-src` for Cognito when `auth` is given
   */
  readonly contentSecurityPolicy?: string;
  /**
   * CloudFront standard logging v2 (Parquet into `cloudfront-parquet/`, table `cloudfront_logs_v2`)
   * or legacy (`cloudfront/`, `cloudfront_logs`). Outside us-east-1, v2 adds a us-east-1 stack
   * `<this stack's id>CloudFrontLogs` that deploys after this one and reads the distribution
   * through a cross-region reference.
   * @default - CloudFrontLogFormat.PARQUET; LEGACY in an env-agnostic stack (with a warning)
   */
  readonly cloudFrontLogFormat?: CloudFrontLogFormat;
  /**
   * The database.
   * @default DataStore.auroraPostgres()
   */
  readonly database?: DataStore;
  /**
   * A Valkey cache in the isolated subnets, for the services that ask for it (`cache: true`).
   * @default - no cache
   */
  readonly cache?: ValkeyCacheOptions;
  /**
   * An Amazon Managed Grafana workspace over the system (CloudWatch, the services' Prometheus
   * workspaces, the log archive through Athena) with the system's dashboards; after deploying,
   * `npx -p cdk-three-tier cdk-three-tier-grafana-import --stack <stack>` provisions them.
   * @default - no Grafana workspace
   */
  readonly grafana?: ThreeTierGrafanaOptions;
  /**
   * Service Connect between the services: each is a client of the others, and those with a
   * `serviceConnectName` are servers under that short name, reached without the load balancer.
   * @default - services reach each other only through the load balancer
   */
  readonly serviceConnect?: ThreeTierServiceConnectOptions;
  /**
   * Developers reach the private database and cache from their laptops with Session Manager port
   * forwarding through a small access host: no SSH key, no inbound port, no VPN server.
   * @default - no developer access
   */
  readonly developerAccess?: DeveloperAccessOptions;
  /**
   * Services to run (more can be added with `addService`).
   * @default - no services until `addService`
   */
  readonly services?: ThreeTierServiceDefinition[];
  /**
   * Where each service's resources go: `NESTED_STACKS` for more services than fit one stack
   * (about 16 do, beside the rest of the system, under CloudFormation's 500-resource limit; with
   * nested stacks, the load balancer's 100 target groups and 100 rules bind, at about 95 services).
   * @default ServicePlacement.SAME_STACK
   */
  readonly servicePlacement?: ServicePlacement;
  /**
   * How many services (the first ones added) draw their rows on the system dashboard. Every
   * service is on its fleet graphs (requests, 5xx, p99, unhealthy hosts, CPU, memory, the top 10
   * of each); a service's rows add 8 widgets (a dashboard holds 500) and about 13 KB to the
   * system stack's template (CloudFormation takes 1 MB), so a large system keeps to the fleet graphs.
   * From 0 to 40; a service past them has no `dashboard` (it throws).
   * @default 20
   */
  readonly dashboardServiceRows?: number;
  /**
   * Cognito sign-up and login.
   * @default - no user pool
   */
  readonly auth?: UserAuthProps;
  /**
   * Topic for every alarm and event of the system.
   * @default - a new topic encrypted with a new KMS key
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Post notifications to Slack through AWS Chatbot.
   * @default - no Chatbot channel
   */
  readonly slackChatbot?: ChatbotSlackChannel;
  /**
   * Post notifications to a Slack incoming webhook whose URL is this secret.
   * @default - no webhook
   */
  readonly slackWebhookSecret?: secretsmanager.ISecret;
}

/**
 * The whole three-tier system: network, web tier (CloudFront, S3, WAF), app tier (services on ECS
 * behind one internal ALB), data tier (Aurora or DynamoDB), optional Cognito, one log archive, one
 * dashboard and one alarm topic with Slack.
 */
export class ThreeTierApp extends Construct {
  /** The cost profile in use. */
  public readonly profile: CostProfile;
  /** The archive of every log. */
  public readonly logArchive: ILogArchive;
  /** The network tier. */
  public readonly network: Network;
  /** The app tier. */
  public readonly appTier: AppTier;
  /** The data tier. */
  public readonly dataTier: DataTier;
  /** The web tier. */
  public readonly webTier: WebTier;
  private readonly apiPathPattern: string;
  private readonly userAuth?: UserAuth;
  private readonly valkey?: ValkeyCache;
  private readonly access?: DeveloperAccess;
  private readonly managedGrafana?: ManagedGrafana;
  private readonly serviceConnect: boolean;
  private readonly serviceRows: number;
  private readonly clientGroups = new Map<string, ec2.SecurityGroup>();
  private readonly testPorts = new Set<number>();
  private endpointsBarrier?: CfnWaitConditionHandle;
  private readonly connected: Array<{ id: string; service: MonitoredEcsService; server?: string }> = [];
  /** Topic of every alarm and event. */
  public readonly alarmTopic: sns.ITopic;
  /** The system dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** System-level alarms. */
  public readonly alarms: SystemAlarms;
  /** The Chatbot channel, when `slackChatbot` is set. */
  public readonly slackChannel?: chatbot.SlackChannelConfiguration;
  /** The webhook notifier, when `slackWebhookSecret` is set. */
  public readonly slackNotifier?: lambda.Function;
  /** The KMS key of the system's log groups, with a profile that encrypts them (production). */
  public readonly logEncryptionKey?: kms.Key;

  constructor(scope: Construct, id: string, props: ThreeTierAppProps = {}) {
    super(scope, id);
    this.profile = props.profile ?? CostProfile.production();
    this.serviceRows = props.dashboardServiceRows ?? 20;
    checkRange(this.node.path, 'dashboardServiceRows', this.serviceRows, 0, 40, 'services with rows on the system dashboard (8 widgets and about 13 KB of template each)', { integer: true });
    if (this.profile.logEncryption) {
      this.logEncryptionKey = newLogGroupKey(this, 'LogKey', `Encrypts the log groups of ${this.node.path}`);
    }
    this.logArchive = props.logArchive ?? new LogArchiveBucket(this, 'LogArchive', { logEncryptionKey: this.logEncryptionKey });
    this.network = new Network(this, 'Network', {
      vpc: props.vpc,
      natMode: props.vpc ? undefined : props.natMode ?? this.profile.natMode,
      maxAzs: props.vpc ? undefined : props.maxAzs ?? this.profile.maxAzs,
      logArchive: this.logArchive,
    });
    this.alarmTopic = alarmTopicFor(this, props.alarmTopic);
    this.dataTier = new DataTier(this, 'Data', {
      store: props.database ?? DataStore.auroraPostgres(),
      vpc: this.network.vpc,
      vpcSubnets: this.network.dataSubnets,
      defaults: this.profile.data,
    });
    if (props.cache) {
      this.valkey = new ValkeyCache(this, 'Cache', { vpc: this.network.vpc, vpcSubnets: this.network.dataSubnets, ...props.cache });
    }
    this.apiPathPattern = props.apiPathPattern ?? API_PATH_PATTERN;
    this.appTier = new AppTier(this, 'App', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.appSubnets,
      logArchive: this.logArchive,
      logEncryptionKey: this.logEncryptionKey,
      alarmTopic: this.alarmTopic,
      deletionProtection: this.profile.deletionProtection,
      serviceDefaults: this.profile.services,
      servicePlacement: props.servicePlacement,
    });
    // Every service carries the app tier's shared group: one rule on each endpoint's group, however
    // many services there are (each service's own group admits the load balancer only).
    this.network.allowEndpointsFrom(this.appTier.servicesSecurityGroup);
    this.serviceConnect = props.serviceConnect !== undefined;
    if (props.serviceConnect) {
      this.appTier.cluster.addDefaultCloudMapNamespace({
        name: props.serviceConnect.namespaceName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }).toLowerCase(),
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      });
    }
    const edgeDomain = props.edge?.domain && props.edge.certificate
      ? { ...props.edge.domain, certificate: props.edge.certificate }
      : undefined;
    this.webTier = new WebTier(this, 'Web', {
      logArchive: this.logArchive,
      siteDirectory: props.siteDirectory,
      apiLoadBalancer: this.appTier.loadBalancer,
      apiPathPattern: this.apiPathPattern,
      webAcl: props.wafEnabled === false ? undefined : props.edge?.webAcl,
      wafEnabled: props.wafEnabled,
      domain: props.domain ?? edgeDomain,
      // A browser app that signs in with Cognito calls its regional endpoint.
      cloudFrontLogFormat: props.cloudFrontLogFormat,
      contentSecurityPolicy: props.contentSecurityPolicy
        ?? (props.auth ? defaultContentSecurityPolicy([`https://cognito-idp.${Stack.of(this).region}.amazonaws.com`]) : undefined),
    });
    if (props.auth) this.userAuth = new UserAuth(this, 'Auth', props.auth);
    if (props.developerAccess) this.access = this.newDeveloperAccess(props.developerAccess);

    this.alarms = createSystemAlarms(this, this.appTier, this.dataTier, this.alarmTopic, this.valkey);
    this.dashboard = createSystemDashboard(this, this.webTier, this.appTier, this.dataTier, this.alarms, this.valkey);
    if (props.grafana) {
      this.managedGrafana = new ManagedGrafana(this, 'Grafana', { ...props.grafana, logArchive: this.logArchive, alarmTopic: this.alarmTopic });
      this.managedGrafana.addDashboard('system', {
        title: `${this.node.path}: system`,
        rows: systemGrafanaRows(this.webTier, this.appTier, this.dataTier, this.alarms, this.valkey),
      });
    }
    // Services come after the web tier and the dashboard, which route their paths and draw their rows.
    for (const definition of props.services ?? []) {
      const { id: serviceId, ...options } = definition;
      this.addService(serviceId, options);
    }
    ({ slackChannel: this.slackChannel, slackNotifier: this.slackNotifier } = subscribeSlack(this, this.alarmTopic, props, this.logEncryptionKey));
  }

  /** Sign-up and login; throws unless `auth` is given. */
  public get auth(): UserAuth {
    if (!this.userAuth) {
      throw invalid(this.node.path, 'auth', undefined, 'this system has no user pool', 'Give auth (e.g. auth: {}) to create one.');
    }
    return this.userAuth;
  }

  /** The Amazon Managed Grafana workspace; throws unless `grafana` is given. */
  public get grafana(): ManagedGrafana {
    if (!this.managedGrafana) {
      throw invalid(this.node.path, 'grafana', undefined, 'this system has no Grafana workspace',
        'Give grafana (e.g. grafana: { authentication: GrafanaAuthentication.identityCenter() }) to create one.');
    }
    return this.managedGrafana;
  }

  /** Developer access to the private tier; throws unless `developerAccess` is given. */
  public get developerAccess(): DeveloperAccess {
    if (!this.access) {
      throw invalid(this.node.path, 'developerAccess', undefined, 'this system has no developer access', 'Give developerAccess (e.g. developerAccess: {}) to create it.');
    }
    return this.access;
  }

  /** The cache; throws unless `cache` is given. */
  public get cache(): ValkeyCache {
    if (!this.valkey) {
      throw invalid(this.node.path, 'cache', undefined, 'this system has no cache', 'Give cache (e.g. cache: {}) to create one.');
    }
    return this.valkey;
  }

  /** The URL of the site (`https://` + domain or CloudFront domain). */
  public get url(): string {
    return this.webTier.url;
  }

  /**
   * Run a service behind the shared load balancer, with the database connection details in its
   * environment, the grants it needs, and a network path to the database.
   */
  public addService(id: string, options: ThreeTierServiceOptions): MonitoredEcsService {
    const access = options.databaseAccess ?? DatabaseAccess.MASTER_SECRET;
    const connection = this.dataTier._connection(`${this.node.path}/${id}`, access, options.databaseUser);
    const given = { ...connection.environment, ...this.userPoolEnvironment(id, options) };
    if (options.serviceConnectName !== undefined && !this.serviceConnect) {
      throw invalid(this.node.path, `service '${id}' serviceConnectName`, options.serviceConnectName, 'the system has no Service Connect namespace',
        'Give the ThreeTierApp serviceConnect (e.g. serviceConnect: {}), or remove serviceConnectName.');
    }
    const taken = this.connected.find((c) => c.server !== undefined && c.server === options.serviceConnectName);
    if (taken) {
      throw invalid(this.node.path, `service '${id}' serviceConnectName`, options.serviceConnectName, `service '${taken.id}' already answers to it`,
        'Give each service its own name.');
    }
    const rows = this.appTier.services.length < this.serviceRows;
    this.checkTestPorts(id, options);
    // Shared groups the database and the cache admit once, for every service that uses them.
    const aurora = access !== DatabaseAccess.NONE ? this.dataTier._aurora : undefined;
    const clients: Array<[ec2.SecurityGroup, ec2.ISecurityGroup]> = []; // [the group the tasks carry, the group that admits it]
    if (aurora) clients.push([this.clientGroup('DatabaseClients'), aurora.securityGroup]);
    if (options.cache) clients.push([this.clientGroup('CacheClients', id), this.cacheFor(id).securityGroup]);
    const service = this.appTier.addService(id, {
      ...options,
      // After the options: a service's own groups add to the shared ones, never replace them.
      securityGroups: [...clients.map(([group]) => group), ...options.securityGroups ?? []],
      serviceConnect: this.serviceConnect ? { serverName: options.serviceConnectName } : options.serviceConnect,
      logEncryptionKey: options.logEncryptionKey ?? this.logEncryptionKey,
      // Its rows go on the system dashboard (a dashboard per service would cost $3 a month each)
      // while it has room; the fleet graphs show every service.
      dashboard: options.dashboard ?? (rows ? this.dashboard : undefined),
      dashboardRows: options.dashboardRows ?? (options.dashboard !== undefined || rows),
      environment: { ...given, ...options.environment },
      secrets: { ...connection.secrets, ...options.secrets },
    });
    if (options.cache) {
      // The cache admits its clients' shared group once; the service gets its user, environment and secrets.
      const cached = this.cacheFor(id).connect(id, { connections: this.clientGroup('CacheClients', id).connections, grantPrincipal: service.grantPrincipal });
      for (const [name, value] of Object.entries(cached.environment)) service.container.addEnvironment(name, value);
      for (const [name, secret] of Object.entries(cached.secrets)) service.container.addSecret(name, secret);
    }
    if (this.serviceConnect) this.connectServices(id, service, options.serviceConnectName, rows);
    if (this.managedGrafana) {
      // The service's rows join the system dashboard, and its Prometheus workspace becomes a data source.
      const prometheusWorkspace = options.prometheus ? service.prometheusWorkspace : undefined;
      if (prometheusWorkspace) this.managedGrafana.addPrometheusWorkspace(prometheusWorkspace);
      this.managedGrafana.addDashboardRows('system', ManagedGrafana.serviceRows(service, { heading: id, prometheusWorkspace }));
    }
    if (Object.keys(given).length > 0 || options.cache) {
      acknowledge(service.taskDefinition, [{
        id: 'AwsSolutions-ECS2',
        reason: 'The environment carries connection details (host, port, database or table name, user pool ids); credentials come from Secrets Manager or IAM.',
      }]);
    }
    const taskRole = service.taskDefinition.taskRole;
    const client = { id, role: taskRole, service: service.service };
    const granted = this.dataTier._admit(client, access, options.databaseUser);
    // The rules that admit those groups are on the database's and cache's own groups: tasks start after them.
    if (clients.length) service.service.node.addDependency(...clients.map(([, admitting]) => admitting));
    // The database's and the cache's grants may be what creates the task role's policy.
    const policy = taskRole.node.tryFindChild('DefaultPolicy');
    if ((granted || options.cache) && policy) {
      acknowledge(policy, inCompliancePacks('IAMNoInlinePolicy', 'The task role policy is generated by CDK from the database and cache grants the service needs.'));
    }
    this.network._checkService(service, options);
    // Without NAT the tasks pull and log through the endpoints (this service's included), whose rules admit the shared group.
    const endpoints = Object.values(this.network.interfaceEndpoints);
    if (endpoints.length > 0) service.service.node.addDependency(this.endpointsReady(endpoints));
    if (options.auth && !this.network.egress) {
      Annotations.of(service).addWarningV2('cdk-three-tier:userPoolKeysWithoutNat',
        'Without NAT the service must fetch the user pool\'s signing keys (https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json) ' +
        'through a cognito-idp interface endpoint (Network.addInterfaceEndpoint) or bake them into the image; AWS documents user pool APIs over PrivateLink, not this file.');
    }
    for (const pattern of listenerPaths(options.pathPatterns, options.hostHeaders) ?? []) this.routeThroughCloudFront(pattern);
    return service;
  }

  /**
   * A server admits the services' shared group on its container port (every service of the system
   * is a Service Connect client: one rule, however many); a server gets a dashboard row.
   */
  private connectServices(id: string, service: MonitoredEcsService, server: string | undefined, rows: boolean): void {
    this.connected.push({ id, service, server });
    if (server) service.allowServiceConnectFrom(this.appTier.servicesSecurityGroup, 'Service Connect from the services of the system');
    if (server && rows) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${id}: Service Connect requests (${server})`,
          left: [service.metricServiceConnectRequests()],
          right: [service.metricServiceConnectServerErrors()],
          width: 12,
        }),
        new cloudwatch.GraphWidget({ title: `${id}: Service Connect response time p99 (ms)`, left: [service.metricServiceConnectResponseTime()], width: 12 }),
      );
    }
  }

  /** The access host, admitted to the database and the cache, with the endpoints it needs without NAT. */
  private newDeveloperAccess(options: DeveloperAccessOptions): DeveloperAccess {
    const access = new DeveloperAccess(this, 'DeveloperAccess', {
      ...options,
      vpc: this.network.vpc,
      vpcSubnets: this.network.appSubnets,
      logArchive: this.logArchive,
      logEncryptionKey: this.logEncryptionKey,
      notificationTopic: this.alarmTopic,
    });
    const aurora = this.dataTier._aurora;
    if (aurora) {
      this.dataTier._connection(`${access.node.path}`, DatabaseAccess.IAM, access.databaseUser); // checks the user name
      this.dataTier.allowFrom(access.securityGroup, 'From developer access');
      access.grantDatabase(aurora.cluster.clusterResourceIdentifier);
    }
    if (this.valkey) access.grantCache(this.valkey);
    if (!this.network.egress) {
      this.network.addInterfaceEndpoint('SsmMessages', ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES);
      this.network.addInterfaceEndpoint('Ec2Messages', ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES);
    }
    this.network.allowEndpointsFrom(access.securityGroup);
    return access;
  }

  /**
   * A no-op resource that waits for the interface endpoints and their rules: each service depends
   * on it alone, so a system of many services does not list every endpoint in each nested stack's DependsOn.
   */
  private endpointsReady(endpoints: ec2.InterfaceVpcEndpoint[]): Construct {
    this.endpointsBarrier ??= new CfnWaitConditionHandle(this.network, 'EndpointsReady');
    this.endpointsBarrier.node.addDependency(...endpoints);
    return this.endpointsBarrier;
  }

  /**
   * The load balancer's group admits CloudFront's origin-facing prefix list (55 of its 60 inbound
   * rules), the deployment hooks on the listener's port, and the hooks on each test port: at most 4.
   */
  private checkTestPorts(id: string, options: ThreeTierServiceOptions): void {
    const port = options.deployment?._progressive?.testTraffic;
    if (!(port instanceof PortTestTraffic) || this.testPorts.has(port.port)) return;
    if (this.testPorts.size >= MAX_TEST_PORTS) {
      throw invalid(this.node.path, `service '${id}' deployment.testTraffic`, `port ${port.port}`,
        'the load balancer\'s security group admits CloudFront\'s origin-facing prefix list, which counts as 55 of its 60 inbound rules, ' +
        `and the deployment hooks on each test port; ${[...this.testPorts].join(', ')} already take ${MAX_TEST_PORTS}`,
        `Use one of ports ${[...this.testPorts].join(', ')} or TestTraffic.header().`);
    }
    this.testPorts.add(port.port);
  }

  /**
   * The shared group of the database's or the cache's clients (made by the first service that
   * needs it): the database or cache admits it once, so its rules do not grow with its clients.
   */
  private clientGroup(kind: 'DatabaseClients' | 'CacheClients', service?: string): ec2.SecurityGroup {
    const existing = this.clientGroups.get(kind);
    if (existing) return existing;
    const cache = kind === 'CacheClients' ? this.cacheFor(service!) : undefined;
    // In the system's scope, beside the tiers: a service id never meets it.
    const group = new ec2.SecurityGroup(this, kind, {
      vpc: this.network.vpc,
      description: ec2Description(`Carried by the services of ${this.node.path} that use the ${cache ? 'cache' : 'database'}; admits nothing`),
      allowAllOutbound: true,
    });
    if (cache) cache.allowFrom(group, 'Valkey from the services that use the cache');
    else this.dataTier.allowFrom(group, 'From the services that use the database');
    this.clientGroups.set(kind, group);
    return group;
  }

  /** The cache, for a service that asks for it. */
  private cacheFor(id: string): ValkeyCache {
    if (!this.valkey) {
      throw invalid(this.node.path, `service '${id}' cache`, true, 'the system has no cache for the service to reach',
        'Give the ThreeTierApp cache (e.g. cache: {}), or remove cache from the service.');
    }
    return this.valkey;
  }

  /** The user pool's ids for a service that asks for them. */
  private userPoolEnvironment(id: string, options: ThreeTierServiceOptions): Record<string, string> {
    if (!options.auth) return {};
    if (!this.userAuth) {
      throw invalid(this.node.path, `service '${id}' auth`, true, 'the system has no user pool to give the service',
        'Give the ThreeTierApp auth (e.g. auth: {}), or remove auth from the service.');
    }
    return { COGNITO_USER_POOL_ID: this.userAuth.userPool.userPoolId, COGNITO_CLIENT_ID: this.userAuth.userPoolClient.userPoolClientId };
  }

  /** CloudFront sends a service's path to the load balancer unless the API path covers it already. */
  private routeThroughCloudFront(pattern: string): void {
    if (pattern === '/*' || pattern === '*') return; // the listener's catch-all, not a CloudFront route
    const api = this.apiPathPattern;
    if (pattern === api || (api.endsWith('/*') && pattern.startsWith(api.slice(0, -1)))) return;
    this.webTier.addApiPath(pattern);
  }
}
