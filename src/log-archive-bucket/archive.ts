import {
  aws_cloudfront as cloudfront, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_kms as kms,
  aws_logs as logs, aws_s3 as s3,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Which CloudFront standard logging delivers a distribution's logs into the archive. */
export enum CloudFrontLogFormat {
  /**
   * Standard logging v2: CloudWatch Logs delivery (`AWS::Logs::DeliverySource`, `DeliveryDestination`,
   * `Delivery`, all in us-east-1) writes Parquet under `cloudfront-parquet/<name>/` with Hive-compatible
   * hourly partitions (`year=/month=/day=/hour=`); Glue table `cloudfront_logs_v2`. No bucket ACLs.
   */
  PARQUET = 'parquet',
  /**
   * Legacy standard logging (`DistributionConfig.Logging`): gzip'd text under `cloudfront/<name>/`,
   * Glue table `cloudfront_logs`. The bucket is switched to ACLs (`BucketOwnerPreferred`). For tools
   * that check only the distribution's own logging setting.
   */
  LEGACY = 'legacy',
}

/** Options for `addCloudFrontDistribution`. */
export interface CloudFrontLogOptions {
  /**
   * Folder of this distribution (`cloudfront-parquet/<name>/` or `cloudfront/<name>/`); also the
   * value of the `distribution` partition of the table.
   * @default - the distribution's construct id, lower-cased
   */
  readonly name?: string;

  /**
   * Include cookies in the logs (legacy `IncludeCookies`; v2 adds `cs(Cookie)` to the delivered fields).
   * @default false
   */
  readonly includeCookies?: boolean;

  /**
   * Standard logging v2 (Parquet) or legacy.
   * @default CloudFrontLogFormat.PARQUET
   */
  readonly format?: CloudFrontLogFormat;

  /**
   * Where the v2 delivery resources go: a construct in a us-east-1 stack that deploys after the
   * distribution's (CloudWatch Logs takes CloudFront deliveries in us-east-1 only); give that stack
   * `crossRegionReferences: true`. `ThreeTierApp` makes one (`<system stack id>CloudFrontLogs`).
   * @default - beside the distribution, whose stack must then be in us-east-1
   */
  readonly deliveryScope?: IConstruct;
}

/** Options for `addVpcFlowLogs`. */
export interface VpcFlowLogOptions {
  /**
   * Which traffic to log.
   * @default ec2.FlowLogTrafficType.ALL
   */
  readonly trafficType?: ec2.FlowLogTrafficType;

  /**
   * Aggregation interval of flow records.
   * @default ec2.FlowLogMaxAggregationInterval.TEN_MINUTES
   */
  readonly maxAggregationInterval?: ec2.FlowLogMaxAggregationInterval;
}

/** Options for `addLogGroup`. */
export interface LogGroupArchiveOptions {
  /**
   * Which events to forward.
   * @default - every event
   */
  readonly filterPattern?: logs.IFilterPattern;
}

/**
 * A log archive as the tiers see it: where each source writes, and how to read it back.
 *
 * Implemented by `LogArchiveBucket` (the whole archive), by `LogArchiveBucket.addSystem` (one
 * system's share under its own prefix, with its own Glue tables) and by
 * `LogArchiveBucket.fromArchiveAttributes` (a central archive of another stack, app or account).
 */
export interface ILogArchive extends IConstruct {
  /** The archive bucket. */
  readonly bucket: s3.IBucket;
  /** Key prefix under which this archive writes: empty for a whole archive, `<system>/` for a system's share. */
  readonly logPrefix: string;
  /**
   * KMS key of the archive, when it is encrypted with SSE-KMS.
   * @default - SSE-S3
   */
  readonly encryptionKey?: kms.IKey;
  /** Glue database with the tables over this archive's logs (an imported archive without one throws). */
  readonly glueDatabaseName: string;
  /** Athena workgroup for queries over this archive (an imported archive without one throws). */
  readonly workGroupName: string;

  /** Send an Application Load Balancer's access logs to `<logPrefix>alb/`. */
  addApplicationLoadBalancer(loadBalancer: elbv2.ApplicationLoadBalancer): void;
  /** Send a CloudFront distribution's standard logs (v2 Parquet, or legacy) to the archive; returns the key prefix. */
  addCloudFrontDistribution(distribution: cloudfront.Distribution, options?: CloudFrontLogOptions): string;
  /** Create a VPC flow log delivered to `<logPrefix>vpc-flow-logs/`. */
  addVpcFlowLogs(vpc: ec2.IVpc, options?: VpcFlowLogOptions): ec2.FlowLog;
  /** Send a bucket's S3 server access logs to `<logPrefix>s3-access-logs/<bucket>/`. */
  addServerAccessLogsSource(source: s3.Bucket): void;
  /** Stream a log group into `<logPrefix>cloudwatch-logs/` through Firehose. */
  addLogGroup(logGroup: logs.ILogGroup, options?: LogGroupArchiveOptions): logs.SubscriptionFilter;
  /**
   * Let a principal read this archive's logs (and decrypt them with KMS).
   * @param objectsKeyPattern keys to read, below `logPrefix` (default: all of them)
   */
  grantRead(grantee: iam.IGrantable, objectsKeyPattern?: string): iam.Grant;
  /** Let a principal run Athena queries over this archive's tables. */
  grantQuery(grantee: iam.IGrantable): iam.Grant;
}

/** Attributes of an existing log archive, for `LogArchiveBucket.fromArchiveAttributes`. */
export interface LogArchiveAttributes {
  /**
   * Name of the archive bucket.
   * @default - taken from `bucketArn`
   */
  readonly bucketName?: string;
  /**
   * ARN of the archive bucket.
   * @default - built from `bucketName`
   */
  readonly bucketArn?: string;
  /**
   * Account that owns the archive. When it is not the account of the stack that sends logs (or
   * that stack's account is not known at synth), S3 server access logs and CloudFront standard
   * logs cannot go there: give `localLogsBucket`.
   * @default - the importing stack's account
   */
  readonly account?: string;
  /**
   * Region of the archive; ALB access logs need the load balancer's Region.
   * @default - the importing stack's Region
   */
  readonly region?: string;
  /**
   * Prefix the owner gave this system (`LogArchiveBucket.addSystem`), with its trailing `/`.
   * @default '' - the archive's top level
   */
  readonly logPrefix?: string;
  /**
   * The archive's KMS key, when it uses SSE-KMS.
   * @default - SSE-S3
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Glue database over this prefix (in the archive's account).
   * @default - unknown; `grantQuery` then fails
   */
  readonly glueDatabaseName?: string;
  /**
   * Athena workgroup of the archive (in the archive's account).
   * @default - unknown; `grantQuery` then fails
   */
  readonly workGroupName?: string;
  /**
   * Bucket of the Athena query results the workgroup enforces.
   * @default - unknown; `grantQuery` then fails
   */
  readonly queryResultsBucketName?: string;
  /**
   * A bucket of the sending account for the logs AWS delivers only within an account, used when
   * the archive is in another account: S3 server access logs (S3 delivers them to a bucket of the
   * source's account) and CloudFront standard logs (they need FULL_CONTROL in the bucket's ACL).
   * It must use SSE-S3; a bucket of this app is switched to ACLs (`BucketOwnerPreferred`) for
   * CloudFront, and gets the `logging.s3.amazonaws.com` statement.
   * @default - every source writes to the archive (same account only)
   */
  readonly localLogsBucket?: s3.IBucket;
  /**
   * KMS key of the log group that keeps Firehose's delivery errors.
   * @default - CloudWatch Logs' service keys
   */
  readonly logEncryptionKey?: kms.IKey;
}

/** Options of `LogArchiveBucket.addSystem`. */
export interface LogArchiveSystemOptions {
  /**
   * Account the system runs in, when it is not the archive's. The archive's bucket policy (and
   * key policy with SSE-KMS) then let that account's ALB logs, VPC flow logs, CloudFront logs and
   * Firehose streams write under the system's prefix, and the tables read that account's paths.
   * @default - the archive's account
   */
  readonly account?: string;
}
