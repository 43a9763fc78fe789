import {
  Duration, RemovalPolicy, SecretValue, Token,
  aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, aws_kms as kms, aws_rds as rds,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AuroraResources, BoundStore, DatabaseAccess, DataTierDefaults, ServiceConnection, StoreClient, StoreContext, StoreVariant } from './binding';
import { ec2Description } from '../../private/cfn-text';
import { allowFromClient } from '../../private/connections';
import { acknowledge, inCompliancePacks, suppressGuard } from '../../private/nag';
import { acknowledgeSingletonFunction } from '../../private/provider-functions';
import { invalid } from '../../private/validate';

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

/** What differs between the two engines. */
export interface AuroraEngineFacts {
  /** `aurora-postgresql` or `aurora-mysql`, as RDS names the engine. */
  readonly name: string;
  /** `DB_ENGINE` of the services. */
  readonly clientName: string;
  readonly engine: rds.IClusterEngine;
  readonly port: number;
  readonly fullVersion: string;
  readonly logExports: string[];
  readonly maxDatabaseName: number;
  readonly maxUserName: number;
  /** Minimum versions with auto-pause (0 ACUs), by major version. */
  readonly autoPauseMinimums: Record<string, string>;
  readonly extraAcknowledgements: Array<{ id: string; reason: string }>;
}

export function postgresFacts(version: rds.AuroraPostgresEngineVersion): AuroraEngineFacts {
  return {
    name: 'aurora-postgresql',
    clientName: 'postgres',
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version }),
    port: 5432,
    fullVersion: version.auroraPostgresFullVersion,
    logExports: ['postgresql'],
    maxDatabaseName: 63,
    maxUserName: 63,
    autoPauseMinimums: { 13: '13.15', 14: '14.12', 15: '15.7', 16: '16.3' },
    extraAcknowledgements: [],
  };
}

export function mysqlFacts(version: rds.AuroraMysqlEngineVersion): AuroraEngineFacts {
  return {
    name: 'aurora-mysql',
    clientName: 'mysql',
    engine: rds.DatabaseClusterEngine.auroraMysql({ version }),
    port: 3306,
    fullVersion: version.auroraMysqlFullVersion,
    // MySQL's audit and general logs stay empty until their parameters turn them on; exported, they are kept too.
    logExports: ['audit', 'error', 'general', 'slowquery'],
    maxDatabaseName: 64,
    maxUserName: 32,
    autoPauseMinimums: { 3: '3.08.0' },
    extraAcknowledgements: [{
      id: 'AwsSolutions-RDS14',
      reason: 'Recovery is point-in-time restore from automated backups; Backtrack is billed per change record and is opt-in (CfnDBCluster backtrackWindow).',
    }],
  };
}

/** Aurora Serverless v2 with an RDS-managed master secret, IAM authentication and encryption. */
export class AuroraVariant implements StoreVariant {
  constructor(private readonly facts: AuroraEngineFacts, private readonly options: AuroraOptions) {}

  public bind(scope: Construct, context: StoreContext): BoundStore {
    if (!context.vpc) throw invalid(scope.node.path, 'vpc', undefined, 'Aurora runs in a VPC, and none was given', 'Give vpc.');
    return new AuroraStore(this.facts, createAurora(scope, this.facts, this.options, context.defaults, context.vpc, context.vpcSubnets));
  }
}

class AuroraStore implements BoundStore {
  public readonly title: string;
  public readonly activityTitle = 'Database connections';
  public readonly saturationAlarm = {
    description: 'Aurora has used over 90% of its maximum ACUs for 15 minutes: raise maxCapacity.',
    threshold: 90,
    evaluationPeriods: 3,
  };

  constructor(private readonly facts: AuroraEngineFacts, public readonly aurora: AuroraResources) {
    this.title = `Database (${facts.name})`;
  }

  public checkUser(path: string, access: DatabaseAccess, user: string | undefined): void {
    if (user === undefined) return;
    if (access !== DatabaseAccess.IAM) {
      throw invalid(path, 'databaseUser', user,
        `it is used only with databaseAccess: DatabaseAccess.IAM on Aurora, and this service has databaseAccess ${access}, so it would be ignored`,
        'Set databaseAccess: DatabaseAccess.IAM, or remove databaseUser.');
    }
    const max = this.facts.maxUserName;
    if (!Token.isUnresolved(user) && !new RegExp(`^[A-Za-z_][A-Za-z0-9_]{0,${max - 1}}$`).test(user)) {
      throw invalid(path, 'databaseUser', user, `a ${this.facts.name} user name for IAM authentication starts with a letter or '_' and has 1-${max} letters, digits or underscores`,
        `Use a name such as '${user.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[0-9]/, '_').slice(0, max) || 'app'}'.`);
    }
  }

  public connection(access: DatabaseAccess, user: string): ServiceConnection {
    const { cluster, masterSecret, databaseName, port } = this.aurora;
    const environment: Record<string, string> = {
      DB_ENGINE: this.facts.clientName,
      DB_HOST: cluster.clusterEndpoint.hostname,
      DB_PORT: String(port),
      DB_NAME: databaseName,
    };
    const secrets: Record<string, ecs.Secret> = {};
    if (cluster.instanceIdentifiers.length > 1) environment.DB_READER_HOST = cluster.clusterReadEndpoint.hostname;
    if (access === DatabaseAccess.IAM) {
      Object.assign(environment, { DB_USER: user, DB_IAM_AUTH: 'true' });
    } else {
      // ECS resolves these when a task starts; RDS rotates the secret (every 7 days by default),
      // so the service also gets the ARN to re-read it when a login fails.
      secrets.DB_USER = ecs.Secret.fromSecretsManager(masterSecret, 'username');
      secrets.DB_PASSWORD = ecs.Secret.fromSecretsManager(masterSecret, 'password');
      environment.DB_SECRET_ARN = masterSecret.secretArn;
    }
    return { environment, secrets };
  }

  public admit(client: StoreClient, access: DatabaseAccess, user: string): iam.Grant {
    const grant = access === DatabaseAccess.IAM ? this.grantAccess(client.role, user) : this.aurora.masterSecret.grantRead(client.role);
    // Tasks whose health check needs the database must not start before it exists.
    client.service.node.addDependency(this.aurora.cluster);
    return grant;
  }

  public allowFrom(other: ec2.IConnectable, description: string): void {
    // A client in a nested stack gets the rule in its own stack (same logical ids within one stack).
    allowFromClient(this.aurora.cluster, other, ec2.Port.tcp(this.aurora.port), description);
  }

  public grantAccess(grantee: iam.IGrantable, user: string): iam.Grant {
    return this.aurora.cluster.grantConnect(grantee, user);
  }

  public metricCapacity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aurora.cluster.metric('ServerlessDatabaseCapacity', { statistic: 'Average', period: Duration.minutes(1), ...options });
  }

  public metricSaturation(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.aurora.cluster.metric('ACUUtilization', { statistic: 'Maximum', period: Duration.minutes(1), ...options });
  }

  public metricActivity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.aurora.cluster.metricDatabaseConnections({ period: Duration.minutes(1), ...options });
  }
}

function createAurora(scope: Construct, facts: AuroraEngineFacts, o: AuroraOptions, d: DataTierDefaults, vpc: ec2.IVpc,
  vpcSubnets?: ec2.SubnetSelection): AuroraResources {
  const path = scope.node.path;
  const minCapacity = o.minCapacity ?? d.minCapacity;
  const maxCapacity = o.maxCapacity ?? d.maxCapacity;
  const readers = o.readers ?? d.readers;
  const backupDays = (o.backupRetention ?? d.backupRetention).toDays();
  validateAurora(path, facts, o, minCapacity, maxCapacity, readers, backupDays);
  const databaseName = o.databaseName ?? 'app';
  validateAuroraNames(path, facts, databaseName, o.masterUsername);

  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc, description: ec2Description(`Database of ${path}; admits the services only`), allowAllOutbound: false,
  });
  const deletionProtection = o.deletionProtection ?? d.deletionProtection;
  const cluster = new rds.DatabaseCluster(scope, 'Cluster', {
    engine: facts.engine,
    port: facts.port,
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
    deletionProtection,
    removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
    copyTagsToSnapshot: true,
    cloudwatchLogsExports: facts.logExports,
    cloudwatchLogsRetention: 365,
  });
  const cfn = cluster.node.defaultChild as rds.CfnDBCluster;
  cfn.addPropertyDeletionOverride('MasterUserPassword');
  cfn.manageMasterUserPassword = true;
  if (o.encryptionKey) cfn.masterUserSecret = { kmsKeyId: o.encryptionKey.keyArn };
  const masterSecret = secretsmanager.Secret.fromSecretAttributes(scope, 'MasterSecret', {
    secretCompleteArn: cfn.attrMasterUserSecretSecretArn,
    encryptionKey: o.encryptionKey,
  });
  acknowledge(cluster, [
    ...(deletionProtection ? [] : [
      { id: 'AwsSolutions-RDS10', reason: 'Deletion protection is off by choice (development profile or deletionProtection: false); the cluster is still retained.' },
      ...inCompliancePacks('RDSInstanceDeletionProtectionEnabled', 'Deletion protection is off by choice (development profile or deletionProtection: false).',
        ['NIST.800.53.R5', 'HIPAA.Security']),
    ]),
    { id: 'AwsSolutions-RDS11', reason: 'The cluster listens on the engine default port; only the services\' security groups may reach it.' },
    ...inCompliancePacks('RDSInBackupPlan', 'Aurora keeps automated backups (backupRetention) with point-in-time restore; add AWS Backup for copies.'),
    { id: 'AwsSolutions-SMG4', reason: 'RDS manages and rotates the master secret (ManageMasterUserPassword).' },
    ...facts.extraAcknowledgements,
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
  acknowledgeSingletonFunction(scope, 'LogRetention', 'sets the retention of the database log groups');
  return { cluster, masterSecret, securityGroup, databaseName, port: facts.port };
}

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

function validateAuroraNames(path: string, facts: AuroraEngineFacts, databaseName: string, masterUsername: string | undefined): void {
  const maxDbName = facts.maxDatabaseName;
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

function validateAurora(path: string, facts: AuroraEngineFacts, o: AuroraOptions, min: number, max: number, readers: number,
  backupDays: number): void {
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
  if (min === 0 && !Token.isUnresolved(facts.fullVersion)) {
    // Aurora MySQL versions read '8.0.mysql_aurora.3.10.0'; the Aurora part decides.
    const full = facts.fullVersion.includes('mysql_aurora.') ? facts.fullVersion.split('mysql_aurora.')[1] : facts.fullVersion;
    const major = full.split('.')[0];
    const minimums = facts.autoPauseMinimums;
    const newest = Math.max(...Object.keys(minimums).map(Number));
    // Majors newer than the table (e.g. PostgreSQL 17) launched with auto-pause (CDK: '>=16.3').
    const supported = Number(major) > newest || (minimums[major] !== undefined && compareVersions(full, minimums[major]) >= 0);
    if (!supported) {
      throw invalid(path, 'minCapacity', 0, `auto-pause (minCapacity 0) needs ${facts.name} ${Object.values(minimums).join(', ')} or later, and this cluster runs ${full}`,
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
