import { aws_glue as glue } from 'aws-cdk-lib';

/** Glue column helper: `col('name', 'type')`. */
function col(name: string, type: string): glue.CfnTable.ColumnProperty {
  return { name, type };
}

/**
 * Application Load Balancer access log entry, field for field, as documented in
 * "Access log entries" of the ELB user guide (34 fields, including `conn_trace_id`).
 */
export const ALB_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  col('type', 'string'),
  col('time', 'string'),
  col('elb', 'string'),
  col('client_ip', 'string'),
  col('client_port', 'int'),
  col('target_ip', 'string'),
  col('target_port', 'int'),
  col('request_processing_time', 'double'),
  col('target_processing_time', 'double'),
  col('response_processing_time', 'double'),
  col('elb_status_code', 'int'),
  col('target_status_code', 'string'),
  col('received_bytes', 'bigint'),
  col('sent_bytes', 'bigint'),
  col('request_verb', 'string'),
  col('request_url', 'string'),
  col('request_proto', 'string'),
  col('user_agent', 'string'),
  col('ssl_cipher', 'string'),
  col('ssl_protocol', 'string'),
  col('target_group_arn', 'string'),
  col('trace_id', 'string'),
  col('domain_name', 'string'),
  col('chosen_cert_arn', 'string'),
  col('matched_rule_priority', 'string'),
  col('request_creation_time', 'string'),
  col('actions_executed', 'string'),
  col('redirect_url', 'string'),
  col('lambda_error_reason', 'string'),
  col('target_port_list', 'string'),
  col('target_status_code_list', 'string'),
  col('classification', 'string'),
  col('classification_reason', 'string'),
  col('conn_trace_id', 'string'),
];

/**
 * RegexSerDe pattern for ALB access logs: one capture group per column above. Quoted fields are
 * captured without their quotes; fields AWS may append in future are tolerated by the optional tail.
 */
export const ALB_REGEX = [
  '([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*)',
  ' ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*)',
  ' "([^ ]*) (.*) (- |[^ ]*)" "([^"]*)" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*)',
  ' "([^"]*)" "([^"]*)" "([^"]*)" ([-.0-9]*) ([^ ]*) "([^"]*)" "([^"]*)"',
  ' "([^ ]*)" "([^\\s]+?)" "([^\\s]+)" "([^ ]*)" "([^ ]*)" ?([^ ]*)?(?: .*)?',
].join('');

/**
 * ALB connection log entry, in file order: the 12 fields of Athena's documented table, then the 3
 * AWS appended since (tls_keyexchange, elb, ip_address).
 */
export const ALB_CONNECTION_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  col('time', 'string'),
  col('client_ip', 'string'),
  col('client_port', 'int'),
  col('listener_port', 'int'),
  col('tls_protocol', 'string'),
  col('tls_cipher', 'string'),
  col('tls_handshake_latency', 'double'),
  col('leaf_client_cert_subject', 'string'),
  col('leaf_client_cert_validity', 'string'),
  col('leaf_client_cert_serial_number', 'string'),
  col('tls_verify_status', 'string'),
  col('conn_trace_id', 'string'),
  col('tls_keyexchange', 'string'),
  col('elb', 'string'),
  col('ip_address', 'string'),
];

/** One group per column; the appended fields are optional (older files lack them), and later ones are tolerated. */
export const ALB_CONNECTION_REGEX = '([^ ]*) ([^ ]*) ([0-9]*) ([0-9]*) ([A-Za-z0-9.-]*) ([^ ]*) ([-.0-9]*) "([^"]*)" ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*)'
  + '(?: ([^ ]*))?(?: ([^ ]*))?(?: ([^ ]*))?(?: .*)?';

/** ALB health-check log entry, in file order: 8 fields, then elb and ip_address (appended later). */
export const ALB_HEALTH_CHECK_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  col('type', 'string'),
  col('time', 'string'),
  col('latency', 'double'),
  col('target_addr', 'string'),
  col('target_group', 'string'),
  col('status', 'string'),
  col('status_code', 'string'),
  col('reason_code', 'string'),
  col('elb', 'string'),
  col('ip_address', 'string'),
];

/** One group per column; `-` stands for a missing status or reason code. */
export const ALB_HEALTH_CHECK_REGEX = '([^ ]*) ([^ ]*) ([-.0-9]*) ([^ ]*) ([^ ]*) ([A-Z]*) ([^ ]*) ([^ ]*)(?: ([^ ]*))?(?: ([^ ]*))?(?: .*)?';

/** CloudFront standard (legacy) log fields, tab separated, in file order (33 fields). */
export const CLOUDFRONT_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  col('date', 'date'),
  col('time', 'string'),
  col('x_edge_location', 'string'),
  col('sc_bytes', 'bigint'),
  col('c_ip', 'string'),
  col('cs_method', 'string'),
  col('cs_host', 'string'),
  col('cs_uri_stem', 'string'),
  col('sc_status', 'int'),
  col('cs_referrer', 'string'),
  col('cs_user_agent', 'string'),
  col('cs_uri_query', 'string'),
  col('cs_cookie', 'string'),
  col('x_edge_result_type', 'string'),
  col('x_edge_request_id', 'string'),
  col('x_host_header', 'string'),
  col('cs_protocol', 'string'),
  col('cs_bytes', 'bigint'),
  col('time_taken', 'float'),
  col('x_forwarded_for', 'string'),
  col('ssl_protocol', 'string'),
  col('ssl_cipher', 'string'),
  col('x_edge_response_result_type', 'string'),
  col('cs_protocol_version', 'string'),
  col('fle_status', 'string'),
  col('fle_encrypted_fields', 'int'),
  col('c_port', 'int'),
  col('time_to_first_byte', 'float'),
  col('x_edge_detailed_result_type', 'string'),
  col('sc_content_type', 'string'),
  col('sc_content_len', 'bigint'),
  col('sc_range_start', 'bigint'),
  col('sc_range_end', 'bigint'),
];

/**
 * CloudFront standard logging v2 in Parquet: the default field set (the 33 legacy fields plus
 * c-country and cache-behavior-path-pattern), named as in AWS's Athena DDL for CloudFront Parquet
 * logs and read as strings as there (Parquet columns are matched by name, case-insensitively).
 */
export const CLOUDFRONT_PARQUET_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  ...CLOUDFRONT_COLUMNS.map((c) => col(c.name === 'cs_referrer' ? 'cs_referer' : c.name as string, 'string')),
  col('c_country', 'string'),
  col('cache_behavior_path_pattern', 'string'),
];

/** VPC flow log default format (version 2), space separated, in file order (14 fields). */
export const VPC_FLOW_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  col('version', 'int'),
  col('account_id', 'string'),
  col('interface_id', 'string'),
  col('srcaddr', 'string'),
  col('dstaddr', 'string'),
  col('srcport', 'int'),
  col('dstport', 'int'),
  col('protocol', 'bigint'),
  col('packets', 'bigint'),
  col('bytes', 'bigint'),
  col('start', 'bigint'),
  col('end', 'bigint'),
  col('action', 'string'),
  col('log_status', 'string'),
];
