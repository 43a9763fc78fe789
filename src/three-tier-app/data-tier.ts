import { aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_iam as iam, aws_rds as rds } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AuroraMysqlOptions, AuroraPostgresOptions, AuroraVariant, mysqlFacts, postgresFacts } from './data/aurora';
import { AuroraResources, BoundStore, DataTierDefaults, DatabaseAccess, DynamoDbResources, ServiceConnection, StoreClient, StoreVariant } from './data/binding';
import { DynamoDbVariant, DynamoTableOptions } from './data/dynamodb';
import { PRODUCTION } from './defaults';
import { invalid } from '../private/validate';

/** Which database the data tier runs. */
export abstract class DataStore {
  /** Aurora PostgreSQL Serverless v2. */
  public static auroraPostgres(options: AuroraPostgresOptions = {}): DataStore {
    return new DataStoreChoice(new AuroraVariant(postgresFacts(options.version ?? rds.AuroraPostgresEngineVersion.VER_16_8), options));
  }

  /** Aurora MySQL Serverless v2. */
  public static auroraMysql(options: AuroraMysqlOptions = {}): DataStore {
    return new DataStoreChoice(new AuroraVariant(mysqlFacts(options.version ?? rds.AuroraMysqlEngineVersion.VER_3_10_0), options));
  }

  /** A DynamoDB table: on-demand, point-in-time recovery, encrypted. */
  public static dynamoDb(options: DynamoTableOptions = {}): DataStore {
    return new DataStoreChoice(new DynamoDbVariant(options));
  }

  /** @internal */
  public abstract readonly _variant: StoreVariant;
}

class DataStoreChoice extends DataStore {
  constructor(public readonly _variant: StoreVariant) { super(); }
}

/** Properties of a `DataTier`. */
export interface DataTierProps {
  /** The database to run. */
  readonly store: DataStore;
  /**
   * VPC of an Aurora cluster; required for Aurora.
   * @default - no VPC, which only DynamoDB can do without
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

/**
 * The data tier: Aurora Serverless v2 (PostgreSQL or MySQL) with an RDS-managed master secret, IAM
 * authentication and encryption, or a DynamoDB table. Both are retained when removed from the stack.
 */
export class DataTier extends Construct {
  /** The store that was chosen. */
  public readonly store: DataStore;
  private readonly bound: BoundStore;

  constructor(scope: Construct, id: string, props: DataTierProps) {
    super(scope, id);
    this.store = props.store;
    this.bound = props.store._variant.bind(this, { vpc: props.vpc, vpcSubnets: props.vpcSubnets, defaults: props.defaults ?? PRODUCTION.data });
  }

  /** The Aurora cluster, its secret and security group; throws when the store is DynamoDB. */
  public get aurora(): AuroraResources {
    if (!this.bound.aurora) {
      throw invalid(this.node.path, 'aurora', undefined, 'this data tier runs DynamoDB, not Aurora', 'Use dataTier.dynamodb, or choose DataStore.auroraPostgres() or auroraMysql().');
    }
    return this.bound.aurora;
  }

  /** The DynamoDB table; throws when the store is Aurora. */
  public get dynamodb(): DynamoDbResources {
    if (!this.bound.dynamodb) {
      throw invalid(this.node.path, 'dynamodb', undefined, 'this data tier runs Aurora, not DynamoDB', 'Use dataTier.aurora, or choose DataStore.dynamoDb().');
    }
    return this.bound.dynamodb;
  }

  /** Let a security group (e.g. a service's) reach the database port. No-op for DynamoDB, which is reached over HTTPS. */
  public allowFrom(other: ec2.IConnectable, description: string): void {
    this.bound.allowFrom(other, description);
  }

  /**
   * Least-privilege access for a principal: `rds-db:connect` as `dbUser` (IAM authentication) for
   * Aurora; read/write on items for DynamoDB.
   */
  public grantAccess(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.bound.grantAccess(grantee, dbUser);
  }

  /** Serverless capacity in ACUs (Aurora) or consumed write capacity (DynamoDB), per minute. */
  public metricCapacity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.bound.metricCapacity(options);
  }

  /** ACU utilization in percent of the maximum (Aurora) or throttled requests (DynamoDB). */
  public metricSaturation(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.bound.metricSaturation(options);
  }

  /** Open connections (Aurora) or user errors (DynamoDB). */
  public metricActivity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.bound.metricActivity(options);
  }

  /** @internal The Aurora cluster and its facts, or undefined for DynamoDB. */
  public get _aurora(): AuroraResources | undefined {
    return this.bound.aurora;
  }

  /** @internal What the dashboard and alarms draw. */
  public get _display() {
    return { title: this.bound.title, activityTitle: this.bound.activityTitle, saturationAlarm: this.bound.saturationAlarm };
  }

  /** @internal Check a service's database options and give its connection environment. */
  public _connection(path: string, access: DatabaseAccess, user: string | undefined): ServiceConnection {
    this.bound.checkUser(path, access, user);
    if (access === DatabaseAccess.NONE) return { environment: {}, secrets: {} };
    return this.bound.connection(access, user ?? 'app');
  }

  /** @internal Network path, grants and start order for a service. */
  public _admit(client: StoreClient, access: DatabaseAccess, user: string | undefined): iam.Grant | undefined {
    if (access === DatabaseAccess.NONE) return undefined;
    return this.bound.admit(client, access, user ?? 'app');
  }
}
