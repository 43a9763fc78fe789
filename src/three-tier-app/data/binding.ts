import { Duration, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, aws_dynamodb as dynamodb, aws_rds as rds, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** How a service reaches the database. */
export enum DatabaseAccess {
  /**
   * Aurora: the master user's name and password (from the RDS-managed secret) as `DB_USER` and
   * `DB_PASSWORD`. DynamoDB: read/write on items.
   */
  MASTER_SECRET = 'master-secret',
  /**
   * Aurora: IAM authentication as `DB_USER` (the service's `databaseUser`), `DB_IAM_AUTH=true`; the
   * database user must exist with the `rds_iam` role (PostgreSQL) or the AWSAuthenticationPlugin
   * (MySQL). DynamoDB: read/write on items.
   */
  IAM = 'iam',
  /** No environment, no grant, no network path to the database. */
  NONE = 'none',
}

/** The Aurora cluster of a data tier and what a client needs to reach it. */
export interface AuroraResources {
  /** The cluster. */
  readonly cluster: rds.DatabaseCluster;
  /** The master user secret kept and rotated by RDS (JSON with `username` and `password`). */
  readonly masterSecret: secretsmanager.ISecret;
  /** Security group of the cluster; admits only what `DataTier.allowFrom` lets in. */
  readonly securityGroup: ec2.SecurityGroup;
  /** Name of the database in the cluster. */
  readonly databaseName: string;
  /** Port of the database. */
  readonly port: number;
}

/** The DynamoDB table of a data tier. */
export interface DynamoDbResources {
  /** The table. */
  readonly table: dynamodb.TableV2;
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

/** Where a store is created. */
export interface StoreContext {
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly defaults: DataTierDefaults;
}

/** What a service gets from the store before it exists: its environment and secrets. */
export interface ServiceConnection {
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, ecs.Secret>;
}

/** A service as the store sees it once created. */
export interface StoreClient {
  readonly id: string;
  readonly role: iam.IRole;
  readonly service: Construct;
}

/** The saturation alarm of a store. */
export interface SaturationAlarm {
  readonly description: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
}

/** A store once created: everything the tiers ask of it, so that none of them asks which store it is. */
export interface BoundStore {
  readonly aurora?: AuroraResources;
  readonly dynamodb?: DynamoDbResources;
  /** Title of the dashboard row, e.g. `Database (aurora-postgresql)`. */
  readonly title: string;
  /** Title of the activity graph. */
  readonly activityTitle: string;
  readonly saturationAlarm: SaturationAlarm;
  /** Throw if `databaseUser` would be ignored or refused. */
  checkUser(path: string, access: DatabaseAccess, user: string | undefined): void;
  connection(access: DatabaseAccess, user: string): ServiceConnection;
  /** Grants and start order for a client (the network path is the app tier's shared group, admitted once); the grant when one was made. */
  admit(client: StoreClient, access: DatabaseAccess, user: string): iam.Grant | undefined;
  allowFrom(other: ec2.IConnectable, description: string): void;
  grantAccess(grantee: iam.IGrantable, user: string): iam.Grant;
  metricCapacity(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricSaturation(options?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  metricActivity(options?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** A store choice before it is created. */
export interface StoreVariant {
  bind(scope: Construct, context: StoreContext): BoundStore;
}
