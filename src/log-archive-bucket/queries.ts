import { Aws, Names, Stack, aws_athena as athena, aws_glue as glue, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CloudFrontLogFormat } from './archive';
import {
  ALB_COLUMNS, ALB_CONNECTION_COLUMNS, ALB_CONNECTION_REGEX, ALB_HEALTH_CHECK_COLUMNS, ALB_HEALTH_CHECK_REGEX, ALB_REGEX,
  CLOUDFRONT_COLUMNS, CLOUDFRONT_PARQUET_COLUMNS, VPC_FLOW_COLUMNS,
} from './table-schemas';
import { suppressGuard } from '../private/nag';

const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** Where each source writes inside the archive; the tables below read the same layout. */
export interface LogLayout {
  readonly albPrefix: string;
  readonly albConnectionsPrefix: string;
  readonly albHealthChecksPrefix: string;
  readonly cloudFrontPrefix: string;
  readonly cloudFrontParquetPrefix: string;
  readonly vpcFlowLogsPrefix: string;
  readonly cloudWatchLogsPrefix: string;
}

export interface LogQueryResources {
  readonly database: glue.CfnDatabase;
  /** The database's name as written (a literal, unlike `database.ref`). */
  readonly databaseName: string;
  readonly albTable: glue.CfnTable;
  readonly albConnectionsTable: glue.CfnTable;
  readonly albHealthChecksTable: glue.CfnTable;
  readonly cloudFrontTable: glue.CfnTable;
  readonly cloudFrontV2Table: glue.CfnTable;
  readonly vpcFlowLogsTable: glue.CfnTable;
  readonly cloudWatchLogsTable: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  readonly namedQueries: athena.CfnNamedQuery[];
}

export interface LogQueryOptions {
  readonly archive: s3.IBucket;
  readonly results: s3.IBucket;
  readonly layout: LogLayout;
  readonly encryptionKey?: kms.IKey;
  readonly databaseName?: string;
  readonly workGroupName?: string;
  /** Reuse this workgroup instead of creating one (a system's tables in the archive's workgroup). */
  readonly workGroup?: athena.CfnWorkGroup;
  /** Account whose ALB and VPC flow logs the tables read. */
  readonly account?: string;
  /** Put before each named query's name (a system's queries beside the archive's). */
  readonly queryNamePrefix?: string;
}

const DAILY_PARTITIONS = ['year', 'month', 'day'].map((name) => ({ name, type: 'string' }));

/** Partition projection over `<location>year=YYYY/month=MM/day=DD/`. */
function dailyProjection(location: string): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.year.type': 'integer',
    'projection.year.range': '2020,2100',
    'projection.month.type': 'integer',
    'projection.month.range': '1,12',
    'projection.month.digits': '2',
    'projection.day.type': 'integer',
    'projection.day.range': '1,31',
    'projection.day.digits': '2',
    'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/`,
  };
}

/** Glue names allow lower-case letters, digits and underscores only. */
export function glueName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 255);
}

/**
 * Glue database + tables (partition projection, so no crawler and no `MSCK REPAIR`), an Athena
 * workgroup that enforces encrypted results, and named queries for the questions asked most.
 */
/** SQL for the edge errors of one distribution's CloudFront logs (since yesterday). */
export function cloudFrontErrorsSql(distribution: string, format: CloudFrontLogFormat = CloudFrontLogFormat.LEGACY): string {
  if (format === CloudFrontLogFormat.LEGACY) {
    return `SELECT cs_uri_stem, sc_status, count(*) AS requests
FROM cloudfront_logs WHERE distribution = '${distribution}' AND "date" >= current_date - interval '1' day
  AND sc_status >= 400
GROUP BY 1, 2 ORDER BY requests DESC LIMIT 25;`;
  }
  // Every projected partition key is bound (today and yesterday), so Athena lists two days of folders.
  const day = (d: string) => `(year = year(${d}) AND month = month(${d}) AND day = day_of_month(${d}))`;
  return `SELECT cs_uri_stem, sc_status, count(*) AS requests
FROM cloudfront_logs_v2 WHERE distribution = '${distribution}'
  AND (${day('current_date')} OR ${day('current_date - interval \'1\' day')})
  AND try_cast(sc_status AS integer) >= 400
GROUP BY 1, 2 ORDER BY requests DESC LIMIT 25;`;
}

export function createLogQueries(scope: Construct, options: LogQueryOptions): LogQueryResources {
  const stack = Stack.of(scope);
  const bucketUrl = (prefix: string) => `s3://${options.archive.bucketName}/${prefix}/`;
  const databaseName = options.databaseName ?? glueName(Names.uniqueResourceName(scope, { maxLength: 200, separator: '_' }));

  const database = new glue.CfnDatabase(scope, 'Database', {
    catalogId: stack.account,
    databaseInput: { name: databaseName, description: 'Logs kept in the LogArchiveBucket, queried with Athena' },
  });

  const table = (id: string, input: glue.CfnTable.TableInputProperty) => {
    const t = new glue.CfnTable(scope, id, { catalogId: stack.account, databaseName, tableInput: input });
    t.node.addDependency(database); // CfnResource.addDependency is deprecated in newer aws-cdk-lib
    return t;
  };

  // ALB access, connection and health-check logs, each under its prefix:
  // <prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/MM/dd/
  const account = options.account ?? Aws.ACCOUNT_ID;
  const albTextTable = (id: string, name: string, description: string, prefix: string, columns: glue.CfnTable.ColumnProperty[], regex: string) => {
    const location = `${bucketUrl(prefix)}AWSLogs/${account}/elasticloadbalancing/${Aws.REGION}/`;
    return table(id, {
      name,
      description,
      tableType: 'EXTERNAL_TABLE',
      partitionKeys: [{ name: 'day', type: 'string' }],
      parameters: {
        'EXTERNAL': 'TRUE',
        'projection.enabled': 'true',
        'projection.day.type': 'date',
        'projection.day.format': 'yyyy/MM/dd',
        'projection.day.range': '2020/01/01,NOW',
        'projection.day.interval': '1',
        'projection.day.interval.unit': 'DAYS',
        'storage.location.template': `${location}\${day}`,
      },
      storageDescriptor: {
        columns,
        location,
        inputFormat: TEXT_INPUT,
        outputFormat: TEXT_OUTPUT,
        serdeInfo: {
          serializationLibrary: 'org.apache.hadoop.hive.serde2.RegexSerDe',
          parameters: { 'serialization.format': '1', 'input.regex': regex },
        },
      },
    });
  };
  const albTable = albTextTable('AlbTable', 'alb_access_logs', 'Application Load Balancer access logs', options.layout.albPrefix, ALB_COLUMNS, ALB_REGEX);
  const albConnectionsTable = albTextTable('AlbConnectionsTable', 'alb_connection_logs', 'Application Load Balancer connection logs (TLS, client certificates)',
    options.layout.albConnectionsPrefix, ALB_CONNECTION_COLUMNS, ALB_CONNECTION_REGEX);
  const albHealthChecksTable = albTextTable('AlbHealthChecksTable', 'alb_health_check_logs', 'Application Load Balancer health-check logs',
    options.layout.albHealthChecksPrefix, ALB_HEALTH_CHECK_COLUMNS, ALB_HEALTH_CHECK_REGEX);

  // CloudFront (legacy standard logs): <prefix>/<distribution>/<id>.yyyy-MM-dd-HH.<unique>.gz.
  // Files are flat per distribution, so the partition is the distribution folder, injected by the query.
  const cloudFrontLocation = bucketUrl(options.layout.cloudFrontPrefix);
  const cloudFrontTable = table('CloudFrontTable', {
    name: 'cloudfront_logs',
    description: 'CloudFront standard logs; filter with WHERE distribution = \'<name>\'',
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: [{ name: 'distribution', type: 'string' }],
    parameters: {
      'EXTERNAL': 'TRUE',
      'skip.header.line.count': '2',
      'projection.enabled': 'true',
      'projection.distribution.type': 'injected',
      'storage.location.template': `${cloudFrontLocation}\${distribution}/`,
    },
    storageDescriptor: {
      columns: CLOUDFRONT_COLUMNS,
      location: cloudFrontLocation,
      inputFormat: TEXT_INPUT,
      outputFormat: TEXT_OUTPUT,
      serdeInfo: {
        serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
        parameters: { 'field.delim': '\t', 'serialization.format': '\t' },
      },
    },
  });

  // CloudFront standard logging v2 (Parquet), Hive-compatible hourly folders per distribution:
  // <prefix>/<distribution>/year=YYYY/month=MM/day=DD/hour=HH/. AWS's Athena DDL for these files
  // reads every field as a string, with underscores for the hyphens and brackets of the field names.
  const cloudFrontV2Location = bucketUrl(options.layout.cloudFrontParquetPrefix);
  const cloudFrontV2Table = table('CloudFrontV2Table', {
    name: 'cloudfront_logs_v2',
    description: 'CloudFront standard logs v2 (Parquet); filter with WHERE distribution = \'<name>\' AND year = ... AND month = ... AND day = ...',
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: [
      { name: 'distribution', type: 'string' },
      ...['year', 'month', 'day', 'hour'].map((name) => ({ name, type: 'int' })),
    ],
    parameters: {
      'EXTERNAL': 'TRUE',
      'classification': 'parquet',
      ...dailyProjection(cloudFrontV2Location),
      'projection.distribution.type': 'injected',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      'storage.location.template': `${cloudFrontV2Location}\${distribution}/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
    },
    storageDescriptor: {
      columns: CLOUDFRONT_PARQUET_COLUMNS,
      location: cloudFrontV2Location,
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', parameters: { 'serialization.format': '1' } },
    },
  });

  // VPC flow logs, Hive-compatible partitions:
  // <prefix>/AWSLogs/aws-account-id=<a>/aws-service=vpcflowlogs/aws-region=<r>/year=/month=/day=/
  const flowLocation = `${bucketUrl(options.layout.vpcFlowLogsPrefix)}AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${Aws.REGION}/`;
  const vpcFlowLogsTable = table('VpcFlowLogsTable', {
    name: 'vpc_flow_logs',
    description: 'VPC flow logs (default format, version 2)',
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: DAILY_PARTITIONS,
    parameters: { 'EXTERNAL': 'TRUE', 'skip.header.line.count': '1', ...dailyProjection(flowLocation) },
    storageDescriptor: {
      columns: VPC_FLOW_COLUMNS,
      location: flowLocation,
      inputFormat: TEXT_INPUT,
      outputFormat: TEXT_OUTPUT,
      serdeInfo: {
        serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
        parameters: { 'field.delim': ' ', 'serialization.format': ' ' },
      },
    },
  });

  // CloudWatch Logs through Firehose (decompressed, messages extracted), gzip'd text:
  // <prefix>/year=/month=/day=/, one log event per line, every subscribed log group together.
  const cloudWatchLocation = bucketUrl(options.layout.cloudWatchLogsPrefix);
  const cloudWatchLogsTable = table('CloudWatchLogsTable', {
    name: 'cloudwatch_logs',
    description: 'CloudWatch Logs events streamed through Firehose, one message per row; JSON logs parse with json_extract_scalar',
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: DAILY_PARTITIONS,
    parameters: { EXTERNAL: 'TRUE', ...dailyProjection(cloudWatchLocation) },
    storageDescriptor: {
      columns: [{ name: 'message', type: 'string' }],
      location: cloudWatchLocation,
      inputFormat: TEXT_INPUT,
      outputFormat: TEXT_OUTPUT,
      // No field delimiter in a line: the whole event is the one column.
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' },
    },
  });

  const workGroup = options.workGroup ?? new athena.CfnWorkGroup(scope, 'WorkGroup', {
    name: options.workGroupName ?? Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' }),
    description: 'Queries over the log archive; results are encrypted and expire',
    state: 'ENABLED',
    // Results of queries hold log contents: the workgroup forces our location and encryption.
    workGroupConfiguration: {
      enforceWorkGroupConfiguration: true,
      publishCloudWatchMetricsEnabled: true,
      resultConfiguration: {
        outputLocation: `s3://${options.results.bucketName}/athena/`,
        encryptionConfiguration: options.encryptionKey
          ? { encryptionOption: 'SSE_KMS', kmsKey: options.encryptionKey.keyArn }
          : { encryptionOption: 'SSE_S3' },
      },
    },
  });
  if (!options.encryptionKey && !options.workGroup) {
    suppressGuard(workGroup, [{
      rule: 'athena_workgroup_results_encrypted_at_rest_kms_check',
      reason: 'Query results take the archive\'s encryption, SSE-S3 here; with LogArchiveEncryption.KMS the workgroup enforces SSE-KMS.',
    }]);
  }

  const query = (id: string, name: string, description: string, sql: string) => {
    const q = new athena.CfnNamedQuery(scope, id, {
      name: `${options.queryNamePrefix ?? ''}${name}`, description, database: databaseName, workGroup: workGroup.ref, queryString: sql,
    });
    q.node.addDependency(database);
    return q;
  };
  const today = "year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m')\n  AND day = date_format(current_date, '%d')";
  const recent = (days: number) => `day >= date_format(current_date - interval '${days}' day, '%Y/%m/%d')`;
  const namedQueries = [
    query('QueryAlbTop5xxPaths', 'alb-top-5xx-paths', 'Paths answering most 5xx in the last 7 days',
      `SELECT request_verb, regexp_replace(request_url, '\\?.*', '') AS path, elb_status_code, count(*) AS requests
FROM alb_access_logs WHERE ${recent(7)} AND elb_status_code >= 500
GROUP BY 1, 2, 3 ORDER BY requests DESC LIMIT 25;`),
    query('QueryAlbSlowestTargets', 'alb-slowest-targets', 'Targets with the highest p99 response time in the last day',
      `SELECT target_ip, target_port, count(*) AS requests,
  approx_percentile(target_processing_time, 0.5) AS p50, approx_percentile(target_processing_time, 0.99) AS p99
FROM alb_access_logs WHERE ${recent(1)} AND target_processing_time >= 0
GROUP BY 1, 2 ORDER BY p99 DESC LIMIT 25;`),
    query('QueryAlbTopClientIps', 'alb-top-client-ips', 'Clients sending the most requests in the last day',
      `SELECT client_ip, count(*) AS requests, sum(received_bytes) AS bytes_in,
  count_if(elb_status_code >= 400) AS errors
FROM alb_access_logs WHERE ${recent(1)}
GROUP BY 1 ORDER BY requests DESC LIMIT 25;`),
    query('QueryAlbTlsFailures', 'alb-tls-failures-by-client', 'Clients whose TLS handshakes or client certificates failed in the last day',
      `SELECT client_ip, tls_protocol, tls_verify_status, count(*) AS connections
FROM alb_connection_logs WHERE ${recent(1)} AND (tls_verify_status LIKE 'Failed%' OR tls_protocol = '-')
GROUP BY 1, 2, 3 ORDER BY connections DESC LIMIT 25;`),
    query('QueryAlbFailingHealthChecks', 'alb-failing-health-checks', 'Targets failing health checks in the last day, by reason',
      `SELECT target_group, target_addr, reason_code, status_code, count(*) AS failures, max(time) AS last_failure
FROM alb_health_check_logs WHERE ${recent(1)} AND status = 'FAIL'
GROUP BY 1, 2, 3, 4 ORDER BY failures DESC LIMIT 25;`),
    query('QueryVpcRejectedFlows', 'vpc-rejected-flows', 'Most frequent rejected flows today',
      `SELECT srcaddr, dstaddr, dstport, protocol, count(*) AS flows, sum(packets) AS packets
FROM vpc_flow_logs
WHERE ${today} AND action = 'REJECT'
GROUP BY 1, 2, 3, 4 ORDER BY flows DESC LIMIT 25;`),
    query('QueryAppLogErrors', 'app-log-errors-today', 'Application log events at level error today (JSON logs with a level field)',
      `SELECT json_extract_scalar(message, '$.time') AS time, message
FROM cloudwatch_logs
WHERE ${today} AND lower(json_extract_scalar(message, '$.level')) IN ('error', 'fatal')
ORDER BY 1 DESC LIMIT 100;`),
  ];

  return {
    database,
    databaseName,
    albTable,
    albConnectionsTable,
    albHealthChecksTable,
    cloudFrontTable,
    cloudFrontV2Table,
    vpcFlowLogsTable,
    cloudWatchLogsTable,
    workGroup,
    namedQueries,
  };
}
