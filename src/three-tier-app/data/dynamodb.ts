import { Duration, RemovalPolicy, aws_cloudwatch as cloudwatch, aws_dynamodb as ddb, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BoundStore, DatabaseAccess, DynamoDbResources, ServiceConnection, StoreClient, StoreContext, StoreVariant } from './binding';
import { acknowledge, inCompliancePacks } from '../../private/nag';
import { invalid } from '../../private/validate';

/** A DynamoDB table. */
export interface DynamoTableOptions {
  /**
   * Partition key.
   * @default { name: 'pk', type: ddb.AttributeType.STRING }
   */
  readonly partitionKey?: ddb.Attribute;
  /**
   * Sort key.
   * @default - a partition key alone
   */
  readonly sortKey?: ddb.Attribute;
  /**
   * Attribute holding an expiry time (epoch seconds).
   * @default - items never expire
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

/** An on-demand table with point-in-time recovery, encrypted. */
export class DynamoDbVariant implements StoreVariant {
  constructor(private readonly options: DynamoTableOptions) {}

  public bind(scope: Construct, context: StoreContext): BoundStore {
    const o = this.options;
    const table = new ddb.TableV2(scope, 'Table', {
      partitionKey: o.partitionKey ?? { name: 'pk', type: ddb.AttributeType.STRING },
      sortKey: o.sortKey,
      billing: ddb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: o.encryptionKey
        ? ddb.TableEncryptionV2.customerManagedKey(o.encryptionKey)
        : ddb.TableEncryptionV2.dynamoOwnedKey(),
      deletionProtection: o.deletionProtection ?? context.defaults.deletionProtection,
      removalPolicy: o.removalPolicy ?? RemovalPolicy.RETAIN,
      timeToLiveAttribute: o.timeToLiveAttribute,
    });
    acknowledge(table, inCompliancePacks('DynamoDBInBackupPlan',
      'Point-in-time recovery keeps 35 days of continuous backups; add AWS Backup for longer copies.'));
    return new DynamoDbStore({ table });
  }
}

class DynamoDbStore implements BoundStore {
  public readonly title = 'Database (dynamodb)';
  public readonly activityTitle = 'DynamoDB user errors';
  public readonly saturationAlarm = { description: 'DynamoDB throttled requests.', threshold: 1, evaluationPeriods: 1 };

  constructor(public readonly dynamodb: DynamoDbResources) {}

  public checkUser(path: string, _access: DatabaseAccess, user: string | undefined): void {
    if (user === undefined) return;
    throw invalid(path, 'databaseUser', user,
      'it is used only with databaseAccess: DatabaseAccess.IAM on Aurora, and this service has DynamoDB, so it would be ignored',
      'Remove databaseUser.');
  }

  public connection(): ServiceConnection {
    return { environment: { DYNAMODB_TABLE: this.dynamodb.table.tableName }, secrets: {} };
  }

  public admit(client: StoreClient): iam.Grant {
    return this.grantAccess(client.role);
  }

  /** A table is reached over HTTPS (the VPC's DynamoDB gateway endpoint): no security group rule. */
  public allowFrom(_other: ec2.IConnectable, _description: string): void {}

  public grantAccess(grantee: iam.IGrantable): iam.Grant {
    return this.dynamodb.table.grantReadWriteData(grantee);
  }

  public metricCapacity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.dynamodb.table.metricConsumedWriteCapacityUnits({ period: Duration.minutes(1), ...options });
  }

  public metricSaturation(options?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    const period = options?.period ?? Duration.minutes(1);
    return new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: this.dynamodb.table.metric('ReadThrottleEvents', { statistic: 'Sum', period }),
        writes: this.dynamodb.table.metric('WriteThrottleEvents', { statistic: 'Sum', period }),
      },
      label: 'throttle events',
      period,
    });
  }

  public metricActivity(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.dynamodb.table.metric('UserErrors', { statistic: 'Sum', period: Duration.minutes(1), ...options });
  }
}
