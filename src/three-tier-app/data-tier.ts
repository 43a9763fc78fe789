import {
  Duration, RemovalPolicy, SecretValue, Token,
  aws_cloudwatch as cloudwatch, aws_dynamodb as dynamodb, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_rds as rds,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ec2Description } from '../private/cfn-text';
import { allowFromClient } from '../private/connections';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { acknowledgeSingletonFunction } from '../private/provider-functions';
import { invalid } from '../private/validate';

/** Options shared by both Aurora engines (Serverless v2). */
export interface AuroraOptions {
  /**
   * Minimum capacity in ACUs, 0 to 256 in steps of 0.5. 0 pauses the database after
   * `autoPauseAfter` without connections (the first query after a pause waits ~15 s).
   * @default - the cost profile's (0 for development, 0.5 for production)
   */
  readonly minCapacity?: number;
  /**
   * Maximum capacity in ACUs, 1 to 256.
   * @default - the cost profile's (4 for development, 16 for production)
   */
  readonly maxCapacity?: number;
  /**
   * Idle time before a paused-capable cluster (minCapacity 0) pauses, 5 minutes to 1 day.
   * @default Duration.minutes(5)
   */
  readonly autoPauseAfter?: Duration;
  /**
   * Number of reader instances (Serverless v2, scaling with the writer, in other AZs).
   * @default - the cost profile's (0 for development, 1 for production)
   */
  readonly readers?: number;
  /**
   * How long automated backups are kept, 1 to 35 days.
   * @default - the cost profile's (7 days for development, 30 for production)
   */
  readonly backupRetention?: Duration;
  /**
   * Protect the cluster from deletion (turn off before deleting it).
   * @default - the cost profile's (false for development, true for production)
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the cluster when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Name of the database created in the cluster.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * Name of the master user, whose password RDS keeps and rotates in Secrets Manager.
   * @default 'app_admin'
   */
  readonly masterUsername?: string;
  /**
   * KMS key for the storage (and the master secret).
   * @default - the AWS managed RDS key (and Secrets Manager key)
   */
  readonly encryptionKey?: kms.IKey;
}

/** Aurora PostgreSQL Serverless v2. */
export interface AuroraPostgresOptions extends AuroraOptions {
  /**
   * Engine version; minCapacity 0 needs 13.15, 14.12, 15.7, 16.3 or later.
   * @default rds.AuroraPostgresEngineVersion.VER_16_8
   */
  readonly version?: rds.AuroraPostgresEngineVersion;
}

/** Aurora MySQL Serverless v2. */
export interface AuroraMysqlOptions extends AuroraOptions {
  /**
   * Engine version; minCapacity 0 needs 3.08.0 or later.
   * @default rds.AuroraMysqlEngineVersion.VER_3_10_0
   */
  readonly version?: rds.AuroraMysqlEngineVersion;
}

/** A DynamoDB table. */
export interface DynamoTableOptions {
  /**
   * Partition key.
   * @default { name: 'pk', type: dynamodb.AttributeType.STRING }
   */
  readonly partitionKey?: dynamodb.Attribute;
  /**
   * Sort key.
   * @default - no sort key
   */
  readonly sortKey?: dynamodb.Attribute;
  /**
   * Attribute holding an expiry time (epoch seconds).
   * @default - no TTL
   */
  readonly timeToLiveAttribute?: string;
  /**
   * Customer managed key; the table uses an AWS owned key otherwise.
   * @default - AWS owned key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Protect the table from deletion.
   * @default - the cost profile's (false for development, true for production)
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Which database the data tier runs. */
export abstract class DataStore {
  /** Aurora PostgreSQL Serverless v2. */
  public static auroraPostgres(options: AuroraPostgresOptions = {}): DataStore {
    const version = options.version ?? rds.AuroraPostgresEngineVersion.VER_16_8;
    return new DataStoreChoice('aurora-postgresql', options, rds.DatabaseClusterEngine.auroraPostgres({ version }), 5432, undefined,
      version.auroraPostgresFullVersion);
  }

  /** Aurora MySQL Serverless v2. */
  public static auroraMysql(options: AuroraMysqlOptions = {}): DataStore {
    const version = options.version ?? rds.AuroraMysqlEngineVersion.VER_3_10_0;
    return new DataStoreChoice('aurora-mysql', options, rds.DatabaseClusterEngine.auroraMysql({ version }), 3306, undefined,
      version.auroraMysqlFullVersion);
  }

  /** A DynamoDB table: on-demand, point-in-time recovery, encrypted. */
  public static dynamoDb(options: DynamoTableOptions = {}): DataStore {
    return new DataStoreChoice('dynamodb', undefined, undefined, undefined, options, undefined);
  }

  /** `aurora-postgresql`, `aurora-mysql` or `dynamodb`. */
  public abstract readonly kind: string;
  /** @internal */ public abstract readonly _aurora?: AuroraOptions;
  /** @internal */ public abstract readonly _engine?: rds.IClusterEngine;
  /** @internal */ public abstract readonly _port?: number;
  /** @internal */ public abstract readonly _dynamo?: DynamoTableOptions;
  /** @internal */ public abstract readonly _fullVersion?: string;
}

class DataStoreChoice extends DataStore {
  constructor(
    public readonly kind: string,
    public readonly _aurora: AuroraOptions | undefined,
    public readonly _engine: rds.IClusterEngine | undefined,
    public readonly _port: number | undefined,
    public readonly _dynamo: DynamoTableOptions | undefined,
    public readonly _fullVersion: string | undefined,
  ) { super(); }
}

/** Defaults that a cost profile sets for the data tier. */
export interface DataTierDefaults {
  /** Minimum ACUs. */
  readonly minCapacity: number;
  /** Maximum ACUs. */
  readonly maxCapacity: number;
  /** Reader count. */
  readonly readers: number;
  /** Backup retention. */
  readonly backupRetention: Duration;
  /** Deletion protection. */
  readonly deletionProtection: boolean;
}

/** Properties of a `DataTier`. */
export interface DataTierProps {
  /** The database to run. */
  readonly store: DataStore;
  /**
   * VPC of an Aurora cluster; required for Aurora.
   * @default - none (DynamoDB needs no VPC)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of an Aurora cluster.
   * @default - isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Values used where the store's options are silent.
   * @default - the production profile's: 0.5-16 ACUs, 1 reader, 30 days of backups, deletion protection
   */
  readonly defaults?: DataTierDefaults;
}

const PRODUCTION_DATA: DataTierDefaults = {
  minCapacity: 0.5, maxCapacity: 16, readers: 1, backupRetention: Duration.days(30), deletionProtection: true,
};

/**
 * The data tier: Aurora Serverless v2 (PostgreSQL or MySQL) with an RDS-managed master secret, IAM
 * authentication and encryption, or a DynamoDB table. Both are retained when removed from the stack.
 */
export class DataTier extends Construct {
  /** The store that was chosen. */
  public readonly store: DataStore;
  /** The Aurora cluster, for Aurora. */
  public readonly cluster?: rds.DatabaseCluster;
  /** The master user secret kept and rotated by RDS (JSON with `username` and `password`), for Aurora. */
  public readonly masterSecret?: secretsmanager.ISecret;
  /** Security group of the cluster, for Aurora; admits only what `allowFrom` lets in. */
  public readonly securityGroup?: ec2.SecurityGroup;
  /** The DynamoDB table, for DynamoDB. */
  public readonly table?: dynamodb.TableV2;
  /** Name of the database in the cluster, for Aurora. */
  public readonly databaseName?: string;
  /** Port of the database, for Aurora. */
  public readonly port?: number;

  constructor(scope: Construct, id: string, props: DataTierProps) {
    super(scope, id);
    this.store = props.store;
    const defaults = props.defaults ?? PRODUCTION_DATA;
    if (props.store._aurora) {
      if (!props.vpc) throw invalid(this.node.path, 'vpc', undefined, 'Aurora runs in a VPC, and none was given', 'Give vpc.');
      const created = this.createAurora(props.store, props.store._aurora, defaults, props.vpc, props.vpcSubnets);
      this.cluster = created.cluster;
      this.masterSecret = created.secret;
      this.securityGroup = created.securityGroup;
      this.databaseName = created.databaseName;
      this.port = props.store._port;
    } else {
      this.table = this.createTable(props.store._dynamo ?? {}, defaults);
    }
  }

  /** Let a security group (e.g. a service's) reach the database port. No-op for DynamoDB. */
  public allowFrom(other: ec2.IConnectable, description: string): void {
    // A client in a nested stack gets the rule in its own stack (same logical ids within one stack).
    if (this.cluster) allowFromClient(this.cluster, other, ec2.Port.tcp(this.port!), description);
  }

  /**
   * Least-privilege access for a service: `rds-db:connect` as `dbUser` (IAM authentication) and
   * reading the master secret for Aurora; read/write on items for DynamoDB.
   */
  public grantAccess(grantee: iam.IGrantable, dbUser: string): void {
    if (this.cluster) {
      this.cluster.grantConnect(grantee, dbUser);
    }
    if (this.table) {
      this.table.grantReadWriteData(grantee);
    }
  }

  /** Serverless capacity in ACUs (Aurora) or consumed write capacity (DynamoDB), per minute. */
  public metricCapacity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.cluster) return this.cluster.metric('ServerlessDatabaseCapacity', { statistic: 'Average', period: Duration.minutes(1), ...options });
    return this.table!.metricConsumedWriteCapacityUnits({ period: Duration.minutes(1), ...options });
  }

  /** ACU utilization in percent of the maximum (Aurora) or throttled requests (DynamoDB). */
  public metricSaturation(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    if (this.cluster) return this.cluster.metric('ACUUtilization', { statistic: 'Maximum', period: Duration.minutes(1), ...options });
    const period = options?.period ?? Duration.minutes(1);
    return new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: this.table!.metric('ReadThrottleEvents', { statistic: 'Sum', period }),
        writes: this.table!.metric('WriteThrottleEvents', { statistic: 'Sum', period }),
      },
      label: 'throttle events',
      period,
    });
  }

  /** Open connections (Aurora) or user errors (DynamoDB). */
  public metricActivity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.cluster) return this.cluster.metricDatabaseConnections({ period: Duration.minutes(1), ...options });
    return this.table!.metric('UserErrors', { statistic: 'Sum', period: Duration.minutes(1), ...options });
  }

  private createAurora(store: DataStore, o: AuroraOptions, d: DataTierDefaults, vpc: ec2.IVpc, vpcSubnets?: ec2.SubnetSelection) {
    const minCapacity = o.minCapacity ?? d.minCapacity;
    const maxCapacity = o.maxCapacity ?? d.maxCapacity;
    const readers = o.readers ?? d.readers;
    const backupDays = (o.backupRetention ?? d.backupRetention).toDays();
    validateAurora(this.node.path, store, o, minCapacity, maxCapacity, readers, backupDays);
    const databaseName = o.databaseName ?? 'app';
    validateAuroraNames(this.node.path, store, databaseName, o.masterUsername);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc, description: ec2Description(`Database of ${this.node.path}; admits the services only`), allowAllOutbound: false,
    });
    const cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: store._engine!,
      port: store._port,
      vpc,
      vpcSubnets: vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [securityGroup],
      // Replaced below by an RDS-managed secret; the placeholder never reaches the template.
      credentials: rds.Credentials.fromPassword(o.masterUsername ?? 'app_admin', SecretValue.unsafePlainText('managed-by-rds')),
      defaultDatabaseName: databaseName,
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false, autoMinorVersionUpgrade: true }),
      readers: Array.from({ length: readers }, (_, i) =>
        rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, { scaleWithWriter: true, publiclyAccessible: false, autoMinorVersionUpgrade: true })),
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: maxCapacity,
      serverlessV2AutoPauseDuration: minCapacity === 0 ? (o.autoPauseAfter ?? Duration.minutes(5)) : undefined,
      storageEncrypted: true,
      storageEncryptionKey: o.encryptionKey,
      iamAuthentication: true,
      backup: { retention: Duration.days(backupDays) },
      deletionProtection: o.deletionProtection ?? d.deletionProtection,
      removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
      copyTagsToSnapshot: true,
      // MySQL's audit and general logs stay empty until their parameters turn them on; exported, they are kept too.
      cloudwatchLogsExports: store.kind === 'aurora-postgresql' ? ['postgresql'] : ['audit', 'error', 'general', 'slowquery'],
      cloudwatchLogsRetention: 365,
    });
    const cfn = cluster.node.defaultChild as rds.CfnDBCluster;
    cfn.addPropertyDeletionOverride('MasterUserPassword');
    cfn.manageMasterUserPassword = true;
    if (o.encryptionKey) cfn.masterUserSecret = { kmsKeyId: o.encryptionKey.keyArn };
    const secret = secretsmanager.Secret.fromSecretAttributes(this, 'MasterSecret', {
      secretCompleteArn: cfn.attrMasterUserSecretSecretArn,
      encryptionKey: o.encryptionKey,
    });
    const deletionProtection = o.deletionProtection ?? d.deletionProtection;
    acknowledge(cluster, [
      ...(deletionProtection ? [] : [
        { id: 'AwsSolutions-RDS10', reason: 'Deletion protection is off by choice (development profile or deletionProtection: false); the cluster is still retained.' },
        ...inCompliancePacks('RDSInstanceDeletionProtectionEnabled', 'Deletion protection is off by choice (development profile or deletionProtection: false).',
          ['NIST.800.53.R5', 'HIPAA.Security']),
      ]),
      { id: 'AwsSolutions-RDS11', reason: 'The cluster listens on the engine default port; only the services\' security groups may reach it.' },
      ...inCompliancePacks('RDSInBackupPlan', 'Aurora keeps automated backups (backupRetention) with point-in-time restore; add AWS Backup for copies.'),
      { id: 'AwsSolutions-SMG4', reason: 'RDS manages and rotates the master secret (ManageMasterUserPassword).' },
      ...(store.kind === 'aurora-mysql' ? [{
        id: 'AwsSolutions-RDS14',
        reason: 'Recovery is point-in-time restore from automated backups; Backtrack is billed per change record and is opt-in (CfnDBCluster backtrackWindow).',
      }] : []),
    ]);
    if (!deletionProtection) {
      suppressGuard(cluster, [{
        rule: 'rds_cluster_deletion_protection_enabled_check',
        reason: 'Deletion protection is off by choice (the development profile, or deletionProtection: false); the cluster is still retained when it leaves the stack.',
      }]);
    }
    const monitoring = 'Serverless v2 capacity, CPU and connections are in CloudWatch metrics on the system dashboard; Enhanced Monitoring\'s OS metrics are an opt-in cost.';
    for (const instance of cluster.node.children.filter((c) => c.node.id === 'Writer' || c.node.id.startsWith('Reader'))) {
      acknowledge(instance, [
        ...inCompliancePacks('RDSEnhancedMonitoringEnabled', monitoring, ['NIST.800.53.R5', 'HIPAA.Security']),
        // AWS Backup takes Aurora by cluster, never by instance, so no plan can satisfy a rule that looks for the instance.
        ...inCompliancePacks('RDSInBackupPlan', 'Aurora backs up the cluster, not its instances: automated backups (backupRetention) with point-in-time restore; AWS Backup, where wanted, selects the cluster.',
          ['NIST.800.53.R5', 'HIPAA.Security']),
      ]);
      suppressGuard(instance, [{ rule: 'rds_instance_enhanced_monitoring_enabled_check', reason: monitoring }]);
    }
    // The exported database logs get their 365-day retention from CDK's LogRetention function.
    acknowledgeSingletonFunction(this, 'LogRetention', 'sets the retention of the database log groups');
    return { cluster, secret, securityGroup, databaseName };
  }

  private createTable(o: DynamoTableOptions, d: DataTierDefaults): dynamodb.TableV2 {
    const table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: o.partitionKey ?? { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: o.sortKey,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: o.encryptionKey
        ? dynamodb.TableEncryptionV2.customerManagedKey(o.encryptionKey)
        : dynamodb.TableEncryptionV2.dynamoOwnedKey(),
      deletionProtection: o.deletionProtection ?? d.deletionProtection,
      removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
      timeToLiveAttribute: o.timeToLiveAttribute,
    });
    acknowledge(table, inCompliancePacks('DynamoDBInBackupPlan',
      'Point-in-time recovery keeps 35 days of continuous backups; add AWS Backup for longer copies.'));
    return table;
  }
}

/** Minimum engine versions that support 0 ACUs (auto-pause), by major version. */
const AUTO_PAUSE_MINIMUMS: Record<string, Record<string, string>> = {
  'aurora-postgresql': { 13: '13.15', 14: '14.12', 15: '15.7', 16: '16.3' },
  'aurora-mysql': { 3: '3.08.0' },
};

/**
 * Names the engines keep for themselves, and common SQL reserved words: RDS refuses them as a
 * database name or master user name ("can't be a word reserved by the database engine"). Not
 * the engines' whole keyword lists.
 */
const RESERVED_NAMES = new Set([
  'rdsadmin', 'rdsrepladmin', 'rds_superuser', 'postgres', 'template0', 'template1', 'mysql', 'sys', 'information_schema',
  'performance_schema', 'public', 'user', 'select', 'table', 'all', 'and', 'or', 'not', 'null', 'from', 'where', 'group',
  'order', 'grant', 'create', 'drop', 'database', 'schema', 'index', 'column', 'default', 'primary', 'key',
]);

function validateAuroraNames(path: string, store: DataStore, databaseName: string, masterUsername: string | undefined): void {
  const maxDbName = store.kind === 'aurora-mysql' ? 64 : 63;
  if (!Token.isUnresolved(databaseName)) {
    if (!new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${maxDbName - 1}}$`).test(databaseName)) {
      throw invalid(path, 'databaseName', databaseName,
        `an Aurora database name starts with a letter and has 1-${maxDbName} letters, digits or underscores`, 'Use a name such as \'app\'.');
    }
    if (RESERVED_NAMES.has(databaseName.toLowerCase())) {
      throw invalid(path, 'databaseName', databaseName, 'the engine reserves this name', 'Use another name, such as \'app\'.');
    }
  }
  if (masterUsername !== undefined && !Token.isUnresolved(masterUsername)) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(masterUsername)) {
      throw invalid(path, 'masterUsername', masterUsername, 'an Aurora master user name starts with a letter and has 1-16 letters, digits or underscores',
        'Use a name such as \'app_admin\'.');
    }
    if (RESERVED_NAMES.has(masterUsername.toLowerCase())) {
      throw invalid(path, 'masterUsername', masterUsername, 'the engine reserves this name', 'Use another name, such as \'app_admin\'.');
    }
  }
}

function validateAurora(path: string, store: DataStore, o: AuroraOptions, min: number, max: number, readers: number, backupDays: number): void {
  const pause = o.autoPauseAfter;
  if (min < 0 || min > 256 || (min * 2) % 1 !== 0) {
    throw invalid(path, 'minCapacity', min, 'Aurora Serverless v2 capacity is 0 to 256 ACUs in steps of 0.5', 'Use a value such as 0.5 or 2.');
  }
  if (max < 1 || max > 256 || (max * 2) % 1 !== 0) {
    throw invalid(path, 'maxCapacity', max, 'Aurora Serverless v2 maximum capacity is 1 to 256 ACUs in steps of 0.5', 'Use a value such as 4 or 16.');
  }
  if (max < min) {
    // Name the prop the user set: the other one is the profile's default.
    if (o.maxCapacity === undefined) {
      throw invalid(path, 'minCapacity', min, `the minimum capacity is above the maximum (${max} ACUs, the profile's default)`,
        `Lower minCapacity, or set maxCapacity to ${min} or more.`);
    }
    throw invalid(path, 'maxCapacity', max, `the maximum capacity is below the minimum (${min} ACUs${o.minCapacity === undefined ? ', the profile\'s default' : ''})`,
      `Raise maxCapacity to ${min} or more${o.minCapacity === undefined ? ', or set a lower minCapacity' : ', or lower minCapacity'}.`);
  }
  if (!Number.isInteger(readers) || readers < 0 || readers > 15) {
    throw invalid(path, 'readers', readers, 'an Aurora cluster has 0 to 15 readers', 'Give a whole number from 0 to 15.');
  }
  if (!Number.isInteger(backupDays) || backupDays < 1 || backupDays > 35) {
    throw invalid(path, 'backupRetention', o.backupRetention ?? Duration.days(backupDays), 'Aurora keeps automated backups 1 to 35 whole days',
      'Give backupRetention from 1 to 35 days.');
  }
  if (pause && min !== 0) {
    throw invalid(path, 'autoPauseAfter', pause, `it only applies when minCapacity is 0, and it is ${min}`, 'Remove autoPauseAfter, or set minCapacity: 0.');
  }
  if (pause && !pause.isUnresolved() && (pause.toSeconds() < 300 || pause.toSeconds() > 86400)) {
    throw invalid(path, 'autoPauseAfter', pause, 'Aurora pauses after 5 minutes to 1 day without connections', 'Give a duration from 5 minutes to 1 day.');
  }
  if (min === 0 && store._fullVersion && !Token.isUnresolved(store._fullVersion)) {
    // Aurora MySQL versions read '8.0.mysql_aurora.3.10.0'; the Aurora part decides.
    const full = store._fullVersion.includes('mysql_aurora.') ? store._fullVersion.split('mysql_aurora.')[1] : store._fullVersion;
    const major = full.split('.')[0];
    const minimums = AUTO_PAUSE_MINIMUMS[store.kind] ?? {};
    const newest = Math.max(...Object.keys(minimums).map(Number));
    // Majors newer than the table (e.g. PostgreSQL 17) launched with auto-pause (CDK: '>=16.3').
    const supported = Number(major) > newest || (minimums[major] !== undefined && compareVersions(full, minimums[major]) >= 0);
    if (!supported) {
      throw invalid(path, 'minCapacity', 0, `auto-pause (minCapacity 0) needs ${store.kind} ${Object.values(minimums).join(', ')} or later, and this cluster runs ${full}`,
        'Raise the version, or set minCapacity to 0.5.');
    }
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
