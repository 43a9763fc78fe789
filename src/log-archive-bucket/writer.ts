import {
  ArnFormat, Aws, Duration, FeatureFlags, Names, RemovalPolicy, Stack, Token, TokenComparison,
  aws_cloudfront as cloudfront, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam,
  aws_kinesisfirehose as firehose, aws_kms as kms, aws_logs as logs, aws_logs_destinations as destinations, aws_s3 as s3,
  cx_api as cxapi,
} from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { CloudFrontLogFormat, CloudFrontLogOptions, LogGroupArchiveOptions, VpcFlowLogOptions } from './archive';
import { acknowledge, explainServiceKeys, nagResourceText, suppressGuard } from '../private/nag';
import { acknowledgeProvider } from '../private/provider-functions';
import { stackRegion } from '../private/region';
import { invalid } from '../private/validate';

/** Key prefixes of each source, below a system's prefix. */
export const PREFIXES = {
  alb: 'alb',
  albConnections: 'alb-connections',
  albHealthChecks: 'alb-health-checks',
  cloudFront: 'cloudfront',
  cloudFrontParquet: 'cloudfront-parquet',
  vpcFlowLogs: 'vpc-flow-logs',
  s3AccessLogs: 's3-access-logs',
  cloudWatchLogs: 'cloudwatch-logs',
};

/**
 * CloudFront's default v2 access-log fields (the legacy fields in their order, then c-country and
 * cache-behavior-path-pattern), as CloudWatch Logs names them.
 */
const CLOUDFRONT_V2_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status', 'cs(Referer)',
  'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type', 'x-edge-request-id', 'x-host-header', 'cs-protocol',
  'cs-bytes', 'time-taken', 'x-forwarded-for', 'ssl-protocol', 'ssl-cipher', 'x-edge-response-result-type', 'cs-protocol-version',
  'fle-status', 'fle-encrypted-fields', 'c-port', 'time-to-first-byte', 'x-edge-detailed-result-type', 'sc-content-type',
  'sc-content-len', 'sc-range-start', 'sc-range-end', 'c-country', 'cache-behavior-path-pattern',
];

/** The side of the archive that only its owner (a `LogArchiveBucket` of this app) can change. */
export interface ArchiveOwner extends IConstruct {
  readonly bucket: s3.IBucket;
  /** Let ELB write ALB logs of this account under `<prefix>alb/`. */
  _allowAlbLogs(prefix: string): void;
  /** Let log delivery (VPC flow logs) of this account write under a key pattern. */
  _allowLogDelivery(keyPattern: string): void;
  /** Switch the bucket to ACLs and the key to CloudFront's statement (standard logs). */
  _allowCloudFrontLogs(): void;
  /** Let CloudWatch Logs' CloudFront delivery (us-east-1) of this account write under a key pattern. */
  _allowCloudFrontDelivery(keyPattern: string): void;
}

export interface ArchiveWriterOptions {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
  readonly encryptionKey?: kms.IKey;
  readonly kms: boolean;
  readonly objectLock: boolean;
  readonly owner?: ArchiveOwner;
  /** Region of the archive bucket. */
  readonly region: string;
  /** Account of the archive bucket, when it may differ from the senders'. */
  readonly account?: string;
  readonly logGroupEncryptionKey?: kms.IKey;
  /** A bucket of the sending account, for the sources AWS delivers only within an account. */
  readonly localLogsBucket?: s3.IBucket;
  /** Called for each new CloudFront log folder (named queries). */
  readonly onCloudFront?: (name: string, format: CloudFrontLogFormat) => void;
}

/** The top-level stack a construct deploys with (a nested stack deploys with its parent). */
function deploymentOf(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/**
 * Where each source's logs go and how they are let in, for one prefix of one archive. The
 * resources that belong to the sender (flow logs, subscription filters) are created beside the
 * sender when it deploys apart from the archive, so a system stack depends on a logging stack and
 * never the reverse.
 */
export class ArchiveWriter {
  private readonly cloudFrontNames = new Set<string>();
  private readonly serverAccessLogSources = new Set<string>();
  private deliveryStream?: firehose.DeliveryStream;
  private subscriptionRole?: iam.IRole;
  private subscriptionPolicy?: iam.ManagedPolicy;

  constructor(private readonly host: Construct, private readonly o: ArchiveWriterOptions) {}

  public get logsDeliveryStream(): firehose.DeliveryStream | undefined {
    return this.deliveryStream;
  }

  public addApplicationLoadBalancer(loadBalancer: elbv2.ApplicationLoadBalancer): void {
    const path = this.host.node.path;
    if (this.o.kms) {
      throw invalid(path, 'addApplicationLoadBalancer', loadBalancer.node.path,
        'ALB access logs support only SSE-S3 destinations, and this archive uses SSE-KMS (encryption: LogArchiveEncryption.KMS)',
        'Use encryption: LogArchiveEncryption.S3_MANAGED (the default), or send ALB logs to another LogArchiveBucket.');
    }
    const lbRegion = Stack.of(loadBalancer).region;
    if (!Token.isUnresolved(lbRegion) && !Token.isUnresolved(this.o.region) && lbRegion !== this.o.region) {
      throw invalid(path, 'addApplicationLoadBalancer', loadBalancer.node.path,
        `ALB access logs go to a bucket in the load balancer's Region (${lbRegion}), and the archive is in ${this.o.region}`,
        `Send them to a LogArchiveBucket in ${lbRegion}.`);
    }
    this.o.owner?._allowAlbLogs(this.o.prefix);
    loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    loadBalancer.setAttribute('access_logs.s3.bucket', this.o.bucket.bucketName);
    loadBalancer.setAttribute('access_logs.s3.prefix', `${this.o.prefix}${PREFIXES.alb}`);
    // Connection logs (TLS handshakes, client certificates) and health-check logs (why a target
    // failed), each under a prefix of its own: same bucket rules as access logs (SSE-S3, same Region).
    loadBalancer.setAttribute('connection_logs.s3.enabled', 'true');
    loadBalancer.setAttribute('connection_logs.s3.bucket', this.o.bucket.bucketName);
    loadBalancer.setAttribute('connection_logs.s3.prefix', `${this.o.prefix}${PREFIXES.albConnections}`);
    loadBalancer.setAttribute('health_check_logs.s3.enabled', 'true');
    loadBalancer.setAttribute('health_check_logs.s3.bucket', this.o.bucket.bucketName);
    loadBalancer.setAttribute('health_check_logs.s3.prefix', `${this.o.prefix}${PREFIXES.albHealthChecks}`);
    this.explainImportedTarget(loadBalancer, this.o.bucket, 'elbv2_logging_enabled_check', 'Access logging is on');
    // ELB checks that it can write when the attribute is set: the policy must exist first.
    if (this.o.owner) loadBalancer.node.addDependency(this.o.owner.bucket.policy!);
  }

  public addCloudFrontDistribution(distribution: cloudfront.Distribution, options: CloudFrontLogOptions = {}): string {
    const path = this.host.node.path;
    const format = options.format ?? CloudFrontLogFormat.PARQUET;
    const region = this.o.region;
    if (format === CloudFrontLogFormat.LEGACY && !Token.isUnresolved(region) && RegionInfo.get(region).isOptInRegion) {
      throw invalid(path, 'addCloudFrontDistribution', distribution.node.path,
        `CloudFront does not deliver legacy standard logs to buckets in ${region}, an opt-in Region`,
        'Use standard logging v2 (the default format), or put the archive for CloudFront logs in another Region.');
    }
    const name = options.name ?? distribution.node.id.toLowerCase();
    if (!/^[a-z0-9][a-z0-9-_.]*$/.test(name)) {
      throw invalid(path, 'options.name', name, 'a CloudFront log name is a folder of lower-case letters, digits, \'-\', \'_\' or \'.\'',
        `Pass options.name, e.g. '${name.toLowerCase().replace(/[^a-z0-9-_.]/g, '-').replace(/^[^a-z0-9]+/, '') || 'site'}'.`);
    }
    if (this.cloudFrontNames.has(name)) {
      throw invalid(path, 'options.name', name, `another distribution already logs under the name '${name}' in ${this.o.prefix || 'the archive'}`,
        'Pass a distinct options.name, or give each system its own share of the archive (LogArchiveBucket.addSystem).');
    }
    this.cloudFrontNames.add(name);
    if (format === CloudFrontLogFormat.PARQUET) return this.deliverCloudFrontLogs(distribution, name, options);
    const prefix = `${this.o.prefix}${PREFIXES.cloudFront}/${name}/`;
    // Standard logs need FULL_CONTROL in the bucket's ACL, which only the bucket's own account has.
    const target = this.localTarget(distribution, 'addCloudFrontDistribution',
      'CloudFront standard logs need FULL_CONTROL in the bucket\'s ACL, which a bucket policy cannot give another account') ?? this.o.bucket;
    if (target === this.o.bucket) {
      this.o.owner?._allowCloudFrontLogs();
    } else if (target instanceof s3.Bucket) {
      (target.node.defaultChild as s3.CfnBucket).ownershipControls = { rules: [{ objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED }] };
    }
    const cfnDistribution = distribution.node.defaultChild as cloudfront.CfnDistribution;
    cfnDistribution.addPropertyOverride('DistributionConfig.Logging', {
      Bucket: target.bucketRegionalDomainName,
      Prefix: prefix,
      IncludeCookies: options.includeCookies ?? false,
    });
    if (this.o.owner) distribution.node.addDependency(this.o.owner.bucket);
    this.explainImportedTarget(distribution, target, 'cloudfront_access_logs_enabled_check', 'Standard logging is on');
    acknowledge(distribution, [{
      id: 'AwsSolutions-CFR3',
      reason: 'Standard logging is on: LogArchiveBucket sets DistributionConfig.Logging through an override that rule packs do not read.',
    }]);
    this.o.onCloudFront?.(name, CloudFrontLogFormat.LEGACY);
    return prefix;
  }

  /**
   * Standard logging v2: a delivery source, destination and delivery in us-east-1, Parquet under
   * `cloudfront-parquet/<name>/` with Hive-compatible hourly folders. The prefix is part of the
   * destination ARN: CloudFormation puts `AWSLogs/<account>/CloudFront/` in front of a suffix
   * otherwise, on create only (cloudformation-coverage-roadmap#2274).
   */
  private deliverCloudFrontLogs(distribution: cloudfront.Distribution, name: string, options: CloudFrontLogOptions): string {
    const path = this.host.node.path;
    const scope = options.deliveryScope ?? distribution;
    const deliveryRegion = stackRegion(scope);
    if (deliveryRegion !== 'us-east-1') {
      throw invalid(path, 'addCloudFrontDistribution', distribution.node.path,
        `CloudWatch Logs takes CloudFront log deliveries in us-east-1 only, and ${options.deliveryScope ? 'deliveryScope' : 'the distribution'} is in ${deliveryRegion ?? 'a stack without a Region'}`,
        'Give deliveryScope, a construct in a us-east-1 stack with crossRegionReferences that deploys after the distribution\'s, or format: CloudFrontLogFormat.LEGACY.');
    }
    const stack = Stack.of(scope);
    const distributionStack = Stack.of(distribution);
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(distributionStack.account) && stack.account !== distributionStack.account) {
      throw invalid(path, 'deliveryScope', scope.node.path, `a delivery source is in the distribution's account (${distributionStack.account}), and deliveryScope is in ${stack.account}`,
        'Give a deliveryScope in a us-east-1 stack of the distribution\'s account.');
    }
    const crossRegion = [distributionStack, Stack.of(this.o.bucket)].filter((other) => other !== stack && stackRegion(other) !== 'us-east-1');
    if (crossRegion.length > 0 && !stack._crossRegionReferences) {
      throw invalid(path, 'deliveryScope', scope.node.path,
        `the delivery reads ${crossRegion.map((s) => s.stackName).join(' and ')} from another Region, which needs a cross-region reference`,
        `Set crossRegionReferences: true on stack '${stack.stackName}'.`);
    }
    // CDK's cross-region writer and reader carry the distribution id and the bucket across.
    for (const other of crossRegion) {
      acknowledgeProvider(other, 'CrossRegionExportWriter', `writes ${other === distributionStack ? 'the distribution id' : 'the archive bucket'} to SSM parameters in us-east-1 for the CloudFront log delivery`);
    }
    if (crossRegion.length > 0) acknowledgeProvider(stack, 'CrossRegionExportReader', 'reads the distribution id and the archive bucket written to SSM parameters in us-east-1 for the CloudFront log delivery');
    const prefix = `${this.o.prefix}${PREFIXES.cloudFrontParquet}/${name}/`;
    // Unlike legacy logs (ACLs), delivery crosses accounts: a share's import is let in by the
    // archive's addSystem({ account }), this app's own archive here.
    const target = this.o.bucket;
    this.o.owner?._allowCloudFrontDelivery(`${prefix}*`);
    const group = new Construct(scope, `CloudFrontLogDelivery${Names.uniqueId(distribution)}`.slice(0, 200));
    const source = new logs.CfnDeliverySource(group, 'Source', {
      name: Names.uniqueResourceName(group, { maxLength: 60, separator: '-' }),
      logType: 'ACCESS_LOGS',
      resourceArn: stack.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: distribution.distributionId }),
    });
    const destination = new logs.CfnDeliveryDestination(group, 'Destination', {
      name: Names.uniqueResourceName(group, { maxLength: 56, separator: '-' }) + '-dst',
      destinationResourceArn: `${target.bucketArn}/${prefix.replace(/\/$/, '')}`,
      outputFormat: 'parquet',
    });
    const delivery = new logs.CfnDelivery(group, 'Delivery', {
      deliverySourceName: source.ref,
      deliveryDestinationArn: destination.attrArn,
      s3SuffixPath: '{yyyy}/{MM}/{dd}/{HH}',
      s3EnableHiveCompatiblePath: true,
      // The documented default field set includes cs(Cookie); legacy logging left cookies out unless asked.
      recordFields: CLOUDFRONT_V2_FIELDS.filter((f) => options.includeCookies || f !== 'cs(Cookie)'),
    });
    delivery.node.addDependency(source); // CfnResource.addDependency is deprecated in newer aws-cdk-lib
    // Delivery checks the bucket when it is created: the policy first.
    if (this.o.owner) group.node.addDependency(this.o.owner.bucket);
    acknowledge(distribution, [{
      id: 'AwsSolutions-CFR3',
      reason: 'Standard logging v2 is on: a CloudWatch Logs delivery (AWS::Logs::Delivery, in us-east-1) sends the access logs to the archive; rule packs read only the legacy setting.',
    }]);
    suppressGuard(distribution, [{
      rule: 'cloudfront_access_logs_enabled_check',
      reason: 'Standard logging v2 delivers the access logs (AWS::Logs::DeliverySource/Delivery in us-east-1); the rule reads only the legacy DistributionConfig.Logging.',
    }]);
    this.o.onCloudFront?.(name, CloudFrontLogFormat.PARQUET);
    return prefix;
  }

  public addVpcFlowLogs(vpc: ec2.IVpc, options: VpcFlowLogOptions = {}): ec2.FlowLog {
    const beside = deploymentOf(vpc) === deploymentOf(this.host);
    const [scope, id] = beside
      ? [this.host, `FlowLog-${Names.nodeUniqueId(vpc.node)}`]
      : [vpc, `ArchiveFlowLog-${Names.nodeUniqueId(this.host.node)}`];
    const keyPrefix = `${this.o.prefix}${PREFIXES.vpcFlowLogs}`;
    const flowLog = new ec2.FlowLog(scope, id, {
      resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
      trafficType: options.trafficType ?? ec2.FlowLogTrafficType.ALL,
      maxAggregationInterval: options.maxAggregationInterval ?? ec2.FlowLogMaxAggregationInterval.TEN_MINUTES,
      destination: ec2.FlowLogDestination.toS3(this.o.bucket, keyPrefix, {
        hiveCompatiblePartitions: true,
        fileFormat: ec2.FlowLogFileFormat.PLAIN_TEXT,
      }),
    });
    // AWS::EC2::FlowLog documents DestinationOptions in PascalCase; CDK writes the keys in
    // camelCase (aws-cdk#25432), which cfn-lint and the resource schema reject. Write them as documented.
    const cfnFlowLog = flowLog.node.findChild('FlowLog') as ec2.CfnFlowLog;
    for (const [key, value] of Object.entries(cfnFlowLog.destinationOptions ?? {})) {
      cfnFlowLog.addPropertyDeletionOverride(`DestinationOptions.${key}`);
      cfnFlowLog.addPropertyOverride(`DestinationOptions.${key[0].toUpperCase()}${key.slice(1)}`, value);
    }
    // CDK adds the delivery policy itself only behind a feature flag; without the flag
    // the service would edit our CloudFormation-managed policy and the next deploy would undo it.
    if (this.o.owner && !FeatureFlags.of(flowLog).isEnabled(cxapi.S3_CREATE_DEFAULT_LOGGING_POLICY)) {
      this.o.owner._allowLogDelivery(`${keyPrefix}/AWSLogs/aws-account-id=${Aws.ACCOUNT_ID}/*`);
    }
    return flowLog;
  }

  public addServerAccessLogsSource(source: s3.Bucket): void {
    const path = this.host.node.path;
    if (this.o.kms) {
      throw invalid(path, 'addServerAccessLogsSource', source.node.path,
        'S3 server access logs can only be delivered to an SSE-S3 bucket, and this archive uses SSE-KMS',
        'Use encryption: LogArchiveEncryption.S3_MANAGED, or point the source at `accessLogsBucket`.');
    }
    if (this.o.objectLock) {
      throw invalid(path, 'addServerAccessLogsSource', source.node.path,
        'S3 does not deliver server access logs to a bucket with an Object Lock default retention',
        'Remove objectLockRetention, or point the source at `accessLogsBucket`.');
    }
    const key = Names.uniqueResourceName(source, { maxLength: 63, separator: '-' }).toLowerCase();
    if (this.serverAccessLogSources.has(key)) {
      throw invalid(path, 'addServerAccessLogsSource', source.node.path, 'this bucket already sends its access logs here',
        'Add each source once.');
    }
    this.serverAccessLogSources.add(key);
    const prefix = `${this.o.prefix}${PREFIXES.s3AccessLogs}/${key}/`;
    const target = this.localTarget(source, 'addServerAccessLogsSource', 'S3 delivers server access logs only to a bucket of the source\'s account')
      ?? this.o.bucket;
    enableServerAccessLogs(source, target, prefix, Stack.of(source) === Stack.of(target));
    this.explainImportedTarget(source, target, 's3_bucket_logging_enabled_check', 'Server access logging is on');
  }

  /**
   * The sending account's own bucket, when the archive is in another account (or may be: an
   * env-agnostic sender is not assumed to be in the archive's account); undefined otherwise.
   */
  private localTarget(sender: IConstruct, method: string, rule: string): s3.IBucket | undefined {
    if (this.o.account === undefined || Token.compareStrings(this.o.account, Stack.of(sender).account) === TokenComparison.SAME) return undefined;
    if (!this.o.localLogsBucket) {
      throw invalid(this.host.node.path, method, sender.node.path, `${rule}, and the archive is in account ${this.o.account}`,
        'Give localLogsBucket (a bucket of the sending account) to LogArchiveBucket.fromArchiveAttributes.');
    }
    return this.o.localLogsBucket;
  }

  public addLogGroup(logGroup: logs.ILogGroup, options: LogGroupArchiveOptions = {}): logs.SubscriptionFilter {
    const stream = this.deliveryStream ?? this.createDeliveryStream();
    const beside = deploymentOf(logGroup) === deploymentOf(this.host);
    const [scope, id] = beside
      ? [this.host, `Subscription-${Names.nodeUniqueId(logGroup.node)}`]
      : [logGroup, `ArchiveSubscription-${Names.nodeUniqueId(this.host.node)}`];
    const filter = new logs.SubscriptionFilter(scope, id, {
      logGroup,
      destination: new destinations.FirehoseDestination(stream, { role: this.subscriptionRole }),
      filterPattern: options.filterPattern ?? logs.FilterPattern.allEvents(),
    });
    // CloudWatch Logs tests delivery when the filter is created.
    filter.node.addDependency(this.subscriptionPolicy!);
    return filter;
  }

  public grantRead(grantee: iam.IGrantable, objectsKeyPattern?: string): iam.Grant {
    const pattern = objectsKeyPattern ?? '*';
    return this.o.bucket.grantRead(grantee, this.o.prefix || objectsKeyPattern ? `${this.o.prefix}${pattern}` : undefined);
  }

  /**
   * A sender in another stack than the archive names the bucket through `Fn::ImportValue`, and the
   * Control Tower rule accepts only a literal name or a reference inside the template: say so on
   * the sender.
   */
  private explainImportedTarget(sender: IConstruct, target: s3.IBucket, rule: string, what: string): void {
    if (!Token.isUnresolved(target.bucketName) || deploymentOf(sender) === deploymentOf(target)) return;
    suppressGuard(sender, [{
      rule,
      reason: `${what}: its bucket is in another stack, named through Fn::ImportValue, which the rule does not follow.`,
    }]);
  }

  private createDeliveryStream(): firehose.DeliveryStream {
    const host = this.host;
    const bucket = this.o.bucket;
    const prefix = `${this.o.prefix}${PREFIXES.cloudWatchLogs}`;
    const date = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';
    const logGroupKey = this.o.logGroupEncryptionKey ?? (this.o.owner ? this.o.encryptionKey : undefined);
    const errorLogs = new logs.LogGroup(host, 'DeliveryStreamErrors', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: logGroupKey,
    });
    if (!logGroupKey) {
      const reason = 'Holds Firehose delivery errors only (no log content); CloudWatch Logs encrypts it at rest with service keys.';
      explainServiceKeys(errorLogs, reason);
    }

    // The L2 destination would grant read/write on the whole bucket; we give the role exactly
    // the documented Firehose-to-S3 actions on our prefixes, in a managed policy.
    const role = new iam.Role(host, 'DeliveryStreamRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
    });
    const objectKeys = [`${prefix}/*`, `${prefix}-errors/*`];
    const policy = new iam.ManagedPolicy(host, 'DeliveryStreamPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
          resources: [bucket.bucketArn, ...objectKeys.map((k) => bucket.arnForObjects(k))],
        }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [errorLogs.logGroupArn],
        }),
        ...(this.o.encryptionKey ? [new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.o.encryptionKey.keyArn],
        })] : []),
      ],
    });
    acknowledge(policy, objectKeys.map((key) => ({
      id: `AwsSolutions-IAM5[Resource::${nagResourceText(policy, bucket.arnForObjects(key))}]`,
      reason: `Firehose writes objects with generated names, only under the ${prefix}/ and ${prefix}-errors/ prefixes.`,
    })));

    this.deliveryStream = new firehose.DeliveryStream(host, 'LogsDeliveryStream', {
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(bucket, {
        role: role.withoutPolicyUpdates(),
        dataOutputPrefix: `${prefix}/${date}`,
        errorOutputPrefix: `${prefix}-errors/!{firehose:error-output-type}/${date}`,
        compression: firehose.Compression.GZIP,
        bufferingInterval: Duration.minutes(5),
        encryptionKey: this.o.encryptionKey,
        loggingConfig: new firehose.EnableLogging(errorLogs),
        // CloudWatch Logs sends gzip'd batches; unpack them so the archive holds one event per line.
        // Firehose joins records without a delimiter unless told to add one.
        processors: [
          new firehose.DecompressionProcessor(),
          new firehose.CloudWatchLogProcessor({ dataMessageExtraction: true }),
          new firehose.AppendDelimiterToRecordProcessor(),
        ],
      }),
    });
    // Firehose checks its permissions when the stream is created.
    this.deliveryStream.node.addDependency(policy);

    const subscriptionRole = new iam.Role(host, 'SubscriptionRole', {
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
        conditions: {
          StringLike: { 'aws:SourceArn': Stack.of(host).formatArn({ service: 'logs', resource: '*' }) },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    });
    this.subscriptionPolicy = new iam.ManagedPolicy(host, 'SubscriptionPolicy', {
      roles: [subscriptionRole],
      statements: [new iam.PolicyStatement({
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [this.deliveryStream.deliveryStreamArn],
      })],
    });
    this.subscriptionRole = subscriptionRole.withoutPolicyUpdates();
    return this.deliveryStream;
  }
}

/**
 * Turn on S3 server access logging from `source` into `target` under `prefix`, with date
 * partitions for Athena. We write the bucket policy ourselves rather than rely on the
 * consumer's feature flags, which would otherwise switch CDK to ACL-based delivery.
 * `nameSource` false: the source deploys apart from the target, whose policy then names the
 * source account, not the source bucket (a reference back would be a cycle between stacks).
 */
export function enableServerAccessLogs(source: s3.Bucket, target: s3.IBucket, prefix: string, nameSource: boolean): void {
  const cfn = source.node.defaultChild as s3.CfnBucket;
  cfn.loggingConfiguration = {
    destinationBucketName: target.bucketName,
    logFilePrefix: prefix,
    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
  };
  // No dependency from source on the policy: its condition names the source ARN (a cycle), and
  // S3 checks the target's permissions on delivery, not when logging is configured.
  target.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AllowAccessLogs${Names.nodeUniqueId(source.node).slice(-40)}`,
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    conditions: {
      ...(nameSource ? { ArnLike: { 'aws:SourceArn': source.bucketArn } } : {}),
      StringEquals: { 'aws:SourceAccount': nameSource ? Aws.ACCOUNT_ID : Stack.of(source).account },
    },
  }));
}

/**
 * CloudWatch Logs' delivery of CloudFront logs writes as `delivery.logs.amazonaws.com` from
 * us-east-1 whatever the bucket's Region: its source ARN names us-east-1 (one of the bucket's
 * Region would silently block every write).
 */
export function allowCloudFrontDelivery(bucket: s3.IBucket, keyPattern: string, account: string): void {
  const stack = Stack.of(bucket);
  const sourceArn = stack.formatArn({ service: 'logs', region: 'us-east-1', account, resource: 'delivery-source', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(keyPattern)],
    conditions: {
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': sourceArn },
    },
  }));
}
