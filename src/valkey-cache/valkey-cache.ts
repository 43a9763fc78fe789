import { createHash } from 'crypto';
import {
  ArnFormat, Duration, Fn, Lazy, Names, RemovalPolicy, Stack, Token,
  aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions, aws_ec2 as ec2, aws_ecs as ecs, aws_elasticache as elasticache,
  aws_iam as iam, aws_kms as kms, aws_secretsmanager as secretsmanager, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MonitoredEcsService } from '../monitored-ecs-service';
import { ec2Description } from '../private/cfn-text';
import { allowFromClient } from '../private/connections';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { checkRange, invalid } from '../private/validate';

/** The port of every ElastiCache for Valkey cache; a serverless cache also reads from replicas on 6380. */
const PORT = 6379;
/**
 * Commands a service's user may run: reads, writes, scripts (which run with the same rights) and
 * connection handling, none of the dangerous ones (FLUSHALL, CONFIG, KEYS, ...).
 */
const SERVICE_ACCESS = 'on ~* -@all +@read +@write +@scripting +@connection -@dangerous';

/** Options of a serverless cache. */
export interface ServerlessCacheOptions {
  /**
   * Most data the cache may hold, in GB (1-5000): a cost ceiling, and the memory alarm's 100 %.
   * @default 10
   */
  readonly maxDataStorageGb?: number;
  /**
   * Most ElastiCache Processing Units a second (1000-15000000): a cost ceiling, and the ECPU alarm's 100 %.
   * @default 100000
   */
  readonly maxEcpuPerSecond?: number;
  /**
   * Days of daily snapshots kept (0-35).
   * @default 0 (a cache holds copies the services can rebuild)
   */
  readonly snapshotRetentionDays?: number;
}

/** Options of a node-based cache (one shard, a primary and replicas). */
export interface CacheNodesOptions {
  /**
   * Node type.
   * @default 'cache.t4g.micro'
   */
  readonly nodeType?: string;
  /**
   * Replicas beside the primary (0-5); with one or more, Multi-AZ with automatic failover.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Valkey engine version.
   * @default '8.0'
   */
  readonly engineVersion?: string;
  /**
   * Days of daily snapshots kept (0-35).
   * @default 0 (a cache holds copies the services can rebuild)
   */
  readonly snapshotRetentionDays?: number;
}

/** How the cache runs. */
export abstract class CacheDeployment {
  /**
   * ElastiCache Serverless for Valkey: no nodes to size, scales with use, billed per GB-hour
   * (100 MB at least) and per ECPU; TLS always on.
   */
  public static serverless(options: ServerlessCacheOptions = {}): CacheDeployment {
    return new DeploymentChoice(true, options, {});
  }

  /** Nodes you size: cheaper than serverless under a steady, high load. */
  public static nodes(options: CacheNodesOptions = {}): CacheDeployment {
    return new DeploymentChoice(false, {}, options);
  }

  /** @internal */
  public abstract readonly _serverless: boolean;
  /** @internal */
  public abstract readonly _serverlessOptions: ServerlessCacheOptions;
  /** @internal */
  public abstract readonly _nodeOptions: CacheNodesOptions;
}

class DeploymentChoice extends CacheDeployment {
  constructor(
    public readonly _serverless: boolean,
    public readonly _serverlessOptions: ServerlessCacheOptions,
    public readonly _nodeOptions: CacheNodesOptions,
  ) { super(); }
}

/** How services sign in to the cache. */
export enum CacheAuthentication {
  /**
   * IAM: each service has its own cache user, signs a short-lived token with its task role
   * (`elasticache:Connect`), and has no password to leak or rotate.
   */
  IAM = 'iam',
  /**
   * A password in Secrets Manager, shared by the services (one cache user). Not rotated by this
   * library: rotating an ElastiCache user's password needs AWS's rotation function from the
   * Serverless Application Repository.
   */
  PASSWORD = 'password',
}

/** How a `ValkeyCache` is made; `ThreeTierAppProps.cache` takes these. */
export interface ValkeyCacheOptions {
  /**
   * Serverless or nodes.
   * @default CacheDeployment.serverless()
   */
  readonly deployment?: CacheDeployment;
  /**
   * How services sign in.
   * @default CacheAuthentication.IAM
   */
  readonly authentication?: CacheAuthentication;
  /**
   * Customer managed KMS key for the data at rest (encrypted either way).
   * @default - an AWS owned key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Access string of the services' users (Valkey ACL syntax), e.g. 'on ~items:* -@all +get +mget +set +del +eval'
   * to keep a service to its own keys and commands.
   * @default 'on ~* -@all +@read +@write +@scripting +@connection -@dangerous'
   */
  readonly serviceAccessString?: string;
  /**
   * What happens to the cache when it leaves the stack.
   * @default RemovalPolicy.DESTROY (a cache holds copies; give RETAIN if it holds anything you keep only there)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a `ValkeyCache`. */
export interface ValkeyCacheProps extends ValkeyCacheOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cache.
   * @default - isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** What a service needs to reach the cache: what `connect` adds to its container. */
export interface CacheConnection {
  /** `CACHE_HOST`, `CACHE_PORT`, `CACHE_TLS`, `CACHE_AUTH`, `CACHE_USER`, `CACHE_NAME`, `CACHE_SERVERLESS`. */
  readonly environment: Record<string, string>;
  /** `CACHE_PASSWORD` with password authentication. */
  readonly secrets: Record<string, ecs.Secret>;
}

/** A service as the cache sees it: its network identity and its role. */
export interface ICacheClient extends ec2.IConnectable, iam.IGrantable {}

/**
 * ElastiCache for Valkey in the isolated subnets: encrypted at rest and in transit, every
 * connection authenticated (IAM or a password in Secrets Manager), reachable only by the services
 * `connect` admits.
 */
export class ValkeyCache extends Construct implements ec2.IConnectable {
  /** Security group of the cache; admits only the services `connect` admits. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The network connections of the cache. */
  public readonly connections: ec2.Connections;
  /** Whether the cache is serverless. */
  public readonly serverless: boolean;
  /** The serverless cache or the replication group's id (what IAM tokens are signed for). */
  public readonly cacheName: string;
  /** Address services connect to (the primary endpoint of a replication group). */
  public readonly endpointAddress: string;
  /** The port (6379). */
  public readonly port = PORT;
  /** The user group of the cache. */
  public readonly userGroup: elasticache.CfnUserGroup;
  /** How services sign in. */
  public readonly authentication: CacheAuthentication;
  /** The serverless cache, when serverless. */
  public readonly serverlessCache?: elasticache.CfnServerlessCache;
  /** The replication group, when node-based. */
  public readonly replicationGroup?: elasticache.CfnReplicationGroup;
  /** The password of the services' user, with password authentication. */
  public readonly passwordSecret?: secretsmanager.Secret;
  /** ARN of the serverless cache or replication group (the resource of `elasticache:Connect`). */
  public readonly cacheArn: string;

  private readonly userIds: string[] = [];
  private readonly removalPolicy: RemovalPolicy;
  private readonly accessString: string;
  private readonly limits: { storageGb?: number; ecpu?: number };
  /** Nodes of a replication group (primary and replicas); 1 for serverless. */
  private readonly nodeCount: number;
  private readonly clients = new Map<string, elasticache.CfnUser>();
  private sharedUser?: elasticache.CfnUser;

  constructor(scope: Construct, id: string, props: ValkeyCacheProps) {
    super(scope, id);
    const deployment = props.deployment ?? CacheDeployment.serverless();
    this.serverless = deployment._serverless;
    this.authentication = props.authentication ?? CacheAuthentication.IAM;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const path = this.node.path;
    this.accessString = props.serviceAccessString ?? SERVICE_ACCESS;
    if (!Token.isUnresolved(this.accessString) && !/^on(\s|$)/.test(this.accessString)) {
      throw invalid(path, 'serviceAccessString', this.accessString, 'a user whose access string does not start with "on" is switched off and cannot sign in',
        `Start it with "on", e.g. "on ${this.accessString.replace(/^off\s*/, '')}".`);
    }
    const subnetIds = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: ec2Description(`Valkey cache of ${path}; admits the services that ask for it only`),
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(PORT) });

    // Every connection signs in: a Valkey user group holds only users that authenticate, and a
    // user named "default" (here switched off) stands in for the engine's unauthenticated one.
    const defaultPassword = new secretsmanager.Secret(this, 'DefaultUserPassword', {
      description: `Password of the disabled "default" user of ${path} (never used to sign in)`,
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
      removalPolicy: this.removalPolicy,
    });
    acknowledgeUnrotated(defaultPassword, 'The "default" user is switched off (access string "off"); its password never signs anyone in.', true);
    const defaultUser = new elasticache.CfnUser(this, 'DefaultUser', {
      engine: 'valkey',
      userId: this.physicalId('default', 40),
      userName: 'default',
      accessString: 'off -@all',
      authenticationMode: { Type: 'password', Passwords: [defaultPassword.secretValue.unsafeUnwrap()] },
    });
    defaultUser.applyRemovalPolicy(this.removalPolicy);
    this.userIds.push(defaultUser.ref);
    if (this.authentication === CacheAuthentication.PASSWORD) {
      this.passwordSecret = new secretsmanager.Secret(this, 'ServicePassword', {
        description: `Password of the services' user of ${path}`,
        generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'app' }), generateStringKey: 'password', excludePunctuation: true, passwordLength: 32 },
        encryptionKey: props.encryptionKey,
        removalPolicy: this.removalPolicy,
      });
      acknowledgeUnrotated(this.passwordSecret, 'ElastiCache user passwords have no Secrets Manager managed rotation; CacheAuthentication.IAM needs no password.',
        !props.encryptionKey);
    }
    this.userGroup = new elasticache.CfnUserGroup(this, 'Users', {
      engine: 'valkey',
      userGroupId: this.physicalId('users', 40),
      // Users join as services connect, after this line.
      userIds: Lazy.list({ produce: () => this.userIds }),
    });
    this.userGroup.applyRemovalPolicy(this.removalPolicy);

    if (deployment._serverless) {
      const o = deployment._serverlessOptions;
      const storageGb = o.maxDataStorageGb ?? 10;
      const ecpu = o.maxEcpuPerSecond ?? 100000;
      checkRange(path, 'maxDataStorageGb', storageGb, 1, 5000, 'the data storage limit in GB', { integer: true });
      checkRange(path, 'maxEcpuPerSecond', ecpu, 1000, 15000000, 'the ECPU limit a second', { integer: true });
      checkRange(path, 'snapshotRetentionDays', o.snapshotRetentionDays, 0, 35, 'the days snapshots are kept', { integer: true });
      this.limits = { storageGb, ecpu };
      this.nodeCount = 1;
      const cache = new elasticache.CfnServerlessCache(this, 'Cache', {
        engine: 'valkey',
        majorEngineVersion: '8',
        serverlessCacheName: this.physicalId('cache', 40),
        description: `Valkey cache of ${path}`,
        subnetIds,
        securityGroupIds: [this.securityGroup.securityGroupId],
        kmsKeyId: props.encryptionKey?.keyArn,
        userGroupId: this.userGroup.ref,
        cacheUsageLimits: { dataStorage: { maximum: storageGb, unit: 'GB' }, ecpuPerSecond: { maximum: ecpu } },
        snapshotRetentionLimit: o.snapshotRetentionDays,
      });
      cache.applyRemovalPolicy(this.removalPolicy);
      this.serverlessCache = cache;
      this.cacheName = cache.ref;
      this.endpointAddress = cache.attrEndpointAddress;
      this.cacheArn = cache.attrArn;
    } else {
      const o = deployment._nodeOptions;
      const replicas = o.replicas ?? 1;
      checkRange(path, 'replicas', replicas, 0, 5, 'the replica count', { integer: true });
      checkRange(path, 'snapshotRetentionDays', o.snapshotRetentionDays, 0, 35, 'the days snapshots are kept', { integer: true });
      const nodeType = o.nodeType ?? 'cache.t4g.micro';
      if (!Token.isUnresolved(nodeType) && !/^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(nodeType)) {
        throw invalid(path, 'nodeType', nodeType, 'an ElastiCache node type looks like cache.<family>.<size>', "Give e.g. 'cache.t4g.micro' or 'cache.r7g.large'.");
      }
      this.limits = {};
      this.nodeCount = 1 + replicas;
      const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', { description: `Subnets of ${path}`, subnetIds });
      const group = new elasticache.CfnReplicationGroup(this, 'Cache', {
        replicationGroupDescription: `Valkey cache of ${path}`,
        engine: 'valkey',
        engineVersion: o.engineVersion ?? '8.0',
        cacheNodeType: nodeType,
        numNodeGroups: 1,
        replicasPerNodeGroup: replicas,
        automaticFailoverEnabled: replicas > 0,
        multiAzEnabled: replicas > 0,
        cacheSubnetGroupName: subnetGroup.ref,
        securityGroupIds: [this.securityGroup.securityGroupId],
        port: PORT,
        transitEncryptionEnabled: true,
        transitEncryptionMode: 'required',
        atRestEncryptionEnabled: true,
        kmsKeyId: props.encryptionKey?.keyArn,
        userGroupIds: [this.userGroup.ref],
        snapshotRetentionLimit: o.snapshotRetentionDays ?? 0,
        autoMinorVersionUpgrade: true,
      });
      group.applyRemovalPolicy(this.removalPolicy);
      this.replicationGroup = group;
      this.cacheName = group.ref;
      this.endpointAddress = group.attrPrimaryEndPointAddress;
      this.cacheArn = Stack.of(this).formatArn({ service: 'elasticache', resource: 'replicationgroup', resourceName: group.ref, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      const why = 'A cache holds copies the services rebuild from the database; give snapshotRetentionDays to keep snapshots.';
      acknowledge(group, [
        { id: 'AwsSolutions-AEC6', reason: 'Every connection signs in through RBAC (userGroupIds: IAM or password users; the default user is off), which replaces the single AUTH token.' },
        { id: 'AwsSolutions-AEC5', reason: 'Valkey\'s default port: the security group, TLS and authentication protect it, not the port number.' },
        ...(replicas > 0 ? [] : [{ id: 'AwsSolutions-AEC4', reason: 'No replica by choice (replicas: 0): a cache outage falls back to the database.' }]),
        ...inCompliancePacks('ElastiCacheRedisClusterAutomaticBackup', why),
      ]);
      if (!(o.snapshotRetentionDays ?? 0)) suppressGuard(group, [{ rule: 'elasticache_redis_cluster_auto_backup_check', reason: why }]);
      if (replicas === 0) {
        suppressGuard(group, [{ rule: 'elasticache_repl_grp_auto_failover_enabled_check', reason: 'No replica by choice (replicas: 0): a cache outage falls back to the database.' }]);
      }
    }
  }

  /**
   * Let a service reach the cache: a security-group rule on the cache's port(s), a cache user
   * (IAM: its own, with `elasticache:Connect`; password: the shared one, whose secret ECS
   * injects), and the connection details. Returns what the container needs; `connectService`
   * adds it to a `MonitoredEcsService` too.
   */
  public connect(id: string, client: ICacheClient): CacheConnection {
    this.allowFrom(client, `Valkey from ${id}`);
    const environment: Record<string, string> = {
      CACHE_HOST: this.endpointAddress,
      CACHE_PORT: String(PORT),
      CACHE_TLS: 'true',
      CACHE_AUTH: this.authentication,
      CACHE_NAME: this.cacheName,
      CACHE_SERVERLESS: String(this.serverless),
    };
    const secrets: Record<string, ecs.Secret> = {};
    if (this.authentication === CacheAuthentication.IAM) {
      const user = this.addIamUser(id);
      environment.CACHE_USER = user.ref;
      this.grantConnect(client, user);
    } else {
      const secret = this.passwordUser();
      environment.CACHE_USER = 'app';
      // ECS reads it with the execution role when a task starts; the task role needs nothing.
      secrets.CACHE_PASSWORD = ecs.Secret.fromSecretsManager(secret, 'password');
    }
    return { environment, secrets };
  }

  /** Everything `connect` does, with the connection added to the service's app container. */
  public connectService(id: string, service: MonitoredEcsService): CacheConnection {
    const connection = this.connect(id, service);
    for (const [name, value] of Object.entries(connection.environment)) service.container.addEnvironment(name, value);
    for (const [name, secret] of Object.entries(connection.secrets)) service.container.addSecret(name, secret);
    return connection;
  }

  /** Data held, in bytes (maximum a minute; of the fullest node on a replication group). */
  public metricBytesUsed(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.overNodes('MAX', 'BytesUsedForCache', { statistic: 'Maximum', ...options });
  }

  /**
   * Load: ECPUs consumed (serverless, sum a minute) or the engine thread's CPU % (nodes: the
   * busiest node's average).
   */
  public metricLoad(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.serverless
      ? this.metric('ElastiCacheProcessingUnits', { statistic: 'Sum', ...options })
      : this.overNodes('MAX', 'EngineCPUUtilization', { statistic: 'Average', ...options });
  }

  /** Keys evicted for want of memory (sum over the nodes). */
  public metricEvictions(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.overNodes('SUM', 'Evictions', { statistic: 'Sum', ...options });
  }

  /** Hits (sum over the nodes). */
  public metricHits(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.overNodes('SUM', 'CacheHits', { statistic: 'Sum', ...options });
  }

  /** Misses (sum over the nodes). */
  public metricMisses(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.overNodes('SUM', 'CacheMisses', { statistic: 'Sum', ...options });
  }

  /**
   * A metric of the cache (AWS/ElastiCache, one-minute period unless given): of the serverless
   * cache, or of one node of a replication group (`node` 1 is the first primary; after a failover
   * another node is).
   */
  public metric(metricName: string, options?: cloudwatch.MetricOptions, node: number = 1): cloudwatch.Metric {
    // Serverless caches publish under clusterId; a replication group's metrics are per node (<id>-001, -002, ...).
    const dimensionsMap: cloudwatch.DimensionsMap = this.serverless
      ? { clusterId: this.cacheName }
      : { CacheClusterId: Fn.join('', [this.cacheName, `-${String(node).padStart(3, '0')}`]) };
    return new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap, period: Duration.minutes(1), ...options });
  }

  /** The metric of a serverless cache, or MAX/SUM over every node, so a failover moves nothing out of sight. */
  private overNodes(combine: 'MAX' | 'SUM', metricName: string, options: cloudwatch.MetricOptions): cloudwatch.IMetric {
    if (this.serverless || this.nodeCount === 1) return this.metric(metricName, options);
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    // Ids unique per metric name: a graph may hold several of these expressions.
    const prefix = metricName.charAt(0).toLowerCase() + metricName.slice(1);
    for (let node = 1; node <= this.nodeCount; node++) usingMetrics[`${prefix}${node}`] = this.metric(metricName, options, node);
    return new cloudwatch.MathExpression({
      expression: `${combine}([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: `${metricName} (${combine === 'MAX' ? 'highest' : 'sum'} of ${this.nodeCount} nodes)`,
      period: options.period ?? Duration.minutes(1),
    });
  }

  /**
   * Alarms on memory (80 % of the storage limit, or of the node's memory), load (80 % of the ECPU
   * limit, or 80 % engine CPU) and evictions (any, three 5-minute periods running), each sending
   * ALARM and OK to the topic.
   */
  public addAlarms(topic: sns.ITopic, scope: Construct = this): cloudwatch.Alarm[] {
    const five = Duration.minutes(5);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods: number) => {
      const made = new cloudwatch.Alarm(scope, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      made.addAlarmAction(new cw_actions.SnsAction(topic));
      made.addOkAction(new cw_actions.SnsAction(topic));
      return made;
    };
    const memory = this.serverless
      ? alarm('CacheMemoryAlarm', `The cache holds 80 % of its ${this.limits.storageGb} GB limit: raise maxDataStorageGb or shorten TTLs.`,
        this.metricBytesUsed({ period: five }), 0.8 * this.limits.storageGb! * 1024 ** 3, 3)
      : alarm('CacheMemoryAlarm', 'The cache node uses 80 % of its memory: evictions follow; choose a larger nodeType.',
        this.overNodes('MAX', 'DatabaseMemoryUsagePercentage', { statistic: 'Average', period: five }), 80, 3);
    const load = this.serverless
      ? alarm('CacheLoadAlarm', `The cache uses 80 % of its ${this.limits.ecpu} ECPU a second limit: raise maxEcpuPerSecond.`,
        this.metricLoad({ period: Duration.minutes(1) }), 0.8 * this.limits.ecpu! * 60, 5)
      : alarm('CacheLoadAlarm', 'The cache engine uses 80 % CPU: choose a larger nodeType.', this.metricLoad({ period: five }), 80, 3);
    const evictions = alarm('CacheEvictionsAlarm', 'The cache evicts keys for want of memory.', this.metricEvictions({ period: five }), 1, 3);
    return [memory, load, evictions];
  }

  /** `elasticache:Connect` on the cache as one of its users. */
  private grantConnect(grantee: iam.IGrantable, user: elasticache.CfnUser): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['elasticache:Connect'], resourceArns: [this.cacheArn, user.attrArn] });
  }

  /** Admit a peer on the cache's port(s): 6379, and 6380 (reads from replicas) on a serverless cache. */
  public allowFrom(peer: ec2.IConnectable, description: string): void {
    allowFromClient(this, peer, this.serverless ? ec2.Port.tcpRange(PORT, PORT + 1) : ec2.Port.tcp(PORT), description);
  }

  /**
   * A cache user that signs in with IAM (user id = user name, as IAM authentication requires),
   * in the cache's user group; one per id. Its holder needs `elasticache:Connect` on `cacheArn`
   * and the user's ARN.
   */
  public addIamUser(id: string, accessString?: string): elasticache.CfnUser {
    const existing = this.clients.get(id);
    if (existing) return existing;
    const access = accessString ?? this.accessString;
    const user = new elasticache.CfnUser(this, `User${id}`, { engine: 'valkey', userId: 'x', userName: 'x', accessString: access, authenticationMode: { Type: 'iam' } });
    const userId = this.physicalId(`svc-${id}`, 40, user);
    user.userId = userId;
    user.userName = userId;
    user.applyRemovalPolicy(this.removalPolicy);
    this.userIds.push(user.ref);
    this.clients.set(id, user);
    return user;
  }

  /** The services' shared password user (made with the first service); returns its secret. */
  private passwordUser(): secretsmanager.Secret {
    const secret = this.passwordSecret!;
    if (this.sharedUser) return secret;
    const user = new elasticache.CfnUser(this, 'AppUser', {
      engine: 'valkey',
      userId: this.physicalId('app', 40),
      userName: 'app',
      accessString: this.accessString,
      authenticationMode: { Type: 'password', Passwords: [secret.secretValueFromJson('password').unsafeUnwrap()] },
    });
    user.applyRemovalPolicy(this.removalPolicy);
    this.userIds.push(user.ref);
    this.sharedUser = user;
    return secret;
  }

  /**
   * A name ElastiCache accepts (a lowercase letter first, then letters, digits and single hyphens,
   * 40 characters at most) that is unique per account and Region: the construct path, a hash of
   * the stack's name (the same app deployed as two stacks must not clash), and the suffix (hashed
   * when long).
   */
  private physicalId(suffix: string, maxLength: number, scope: Construct = this): string {
    const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-');
    const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 6);
    const stack = Stack.of(this);
    const stackHash = hash(Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName);
    let tail = clean(suffix).replace(/^-|-$/g, '');
    if (tail.length > 12) tail = `${tail.slice(0, 5).replace(/-$/, '')}-${hash(suffix)}`;
    const room = maxLength - tail.length - stackHash.length - 2;
    const base = clean(Names.uniqueResourceName(scope, { maxLength: room, separator: '-' })).replace(/^[^a-z]+/, '').replace(/-$/, '').slice(0, room);
    const name = `${base || 'cache'}-${stackHash}-${tail}`.replace(/-+/g, '-');
    if (name.length > maxLength) throw new Error(`${this.node.path}: internal: cache name ${name} exceeds ${maxLength} characters`);
    return name;
  }
}

function acknowledgeUnrotated(secret: secretsmanager.Secret, reason: string, awsManagedKey: boolean): void {
  acknowledge(secret, [
    { id: 'AwsSolutions-SMG4', reason },
    ...inCompliancePacks('SecretsManagerRotationEnabled', reason),
    ...(awsManagedKey
      ? inCompliancePacks('SecretsManagerUsingKMSKey', 'Encrypted with Secrets Manager\'s AWS managed key; give the cache an encryptionKey for a customer managed one.')
      : []),
  ]);
}
