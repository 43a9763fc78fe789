import { aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogArchiveBucket } from '../src';
import { newStack } from './fixtures';
import {
  ALB_COLUMNS, ALB_CONNECTION_COLUMNS, ALB_CONNECTION_REGEX, ALB_HEALTH_CHECK_COLUMNS, ALB_HEALTH_CHECK_REGEX, ALB_REGEX,
  CLOUDFRONT_COLUMNS, VPC_FLOW_COLUMNS,
} from '../src/log-archive-bucket/table-schemas';

describe('Athena and Glue', () => {
  const stack = newStack();
  const archive = new LogArchiveBucket(stack, 'Archive');
  const template = Template.fromStack(stack);

  test('workgroup enforces SSE-S3 results in the results bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^ArchiveQueryResultsBucket') }, '/athena/']] },
        },
      },
    });
  });

  test('query results expire after 30 days', () => {
    const results = template.findResources('AWS::S3::Bucket');
    const props = Object.entries(results).find(([k]) => k.startsWith('ArchiveQueryResultsBucket'))![1] as any;
    expect(props.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
  });

  test('tables use partition projection for ALB (day), CloudFront (distribution), VPC flow and CloudWatch logs (year/month/day)', () => {
    const tables = Object.values(template.findResources('AWS::Glue::Table')).map((t: any) => t.Properties.TableInput);
    const byName = Object.fromEntries(tables.map((t) => [t.Name, t]));
    expect(Object.keys(byName).sort()).toEqual(['alb_access_logs', 'alb_connection_logs', 'alb_health_check_logs', 'cloudfront_logs', 'cloudfront_logs_v2', 'cloudwatch_logs', 'vpc_flow_logs']);
    for (const [name, folder] of [['alb_connection_logs', 'alb-connections'], ['alb_health_check_logs', 'alb-health-checks']]) {
      expect(byName[name].Parameters['projection.day.format']).toBe('yyyy/MM/dd');
      expect(JSON.stringify(byName[name].StorageDescriptor.Location)).toContain(`/${folder}/AWSLogs/`);
    }
    expect(byName.alb_access_logs.Parameters['projection.day.format']).toBe('yyyy/MM/dd');
    expect(JSON.stringify(byName.alb_access_logs.Parameters['storage.location.template'])).toContain('/elasticloadbalancing/');
    expect(byName.cloudfront_logs.Parameters['projection.distribution.type']).toBe('injected');
    expect(byName.cloudfront_logs.Parameters['skip.header.line.count']).toBe('2');
    expect(byName.vpc_flow_logs.PartitionKeys.map((p: any) => p.Name)).toEqual(['year', 'month', 'day']);
    expect(JSON.stringify(byName.vpc_flow_logs.Parameters['storage.location.template'])).toContain('aws-service=vpcflowlogs');
  });

  test('the connection-log regex has one group per column and parses AWS\'s documented line, and one with the appended fields', () => {
    const documented = '2023-10-04T17:05:15.514108Z 203.0.113.1 36280 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 4.036 '
      + '"CN=amazondomains.com,O=endEntity,L=Seattle,ST=Washington,C=US" NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-17T22:43:21Z '
      + 'FEF257372D5C14D4 Success TID_3180a73013c8ca4bac2f731159d4b0fe';
    const parse = (line: string) => {
      const match = new RegExp(`^${ALB_CONNECTION_REGEX}$`).exec(line)!;
      expect(match).not.toBeNull();
      expect(match.length - 1).toBe(ALB_CONNECTION_COLUMNS.length);
      return Object.fromEntries(ALB_CONNECTION_COLUMNS.map((c, i) => [c.name, match[i + 1]]));
    };
    expect(parse(documented)).toMatchObject({
      client_ip: '203.0.113.1',
      listener_port: '443',
      tls_protocol: 'TLSv1.2',
      tls_handshake_latency: '4.036',
      leaf_client_cert_subject: 'CN=amazondomains.com,O=endEntity,L=Seattle,ST=Washington,C=US',
      tls_verify_status: 'Success',
      conn_trace_id: 'TID_3180a73013c8ca4bac2f731159d4b0fe',
      elb: undefined,
    });
    const failed = parse('2025-11-04T10:00:00.000000Z 198.51.100.7 51234 443 - - - "-" - - Failed:UnmappedConnectionError TID_1 x25519 app/shop/50dc6c495c0c9188 10.0.1.20');
    expect(failed).toMatchObject({ tls_verify_status: 'Failed:UnmappedConnectionError', tls_keyexchange: 'x25519', elb: 'app/shop/50dc6c495c0c9188', ip_address: '10.0.1.20' });
  });

  test('the health-check regex has one group per column and parses AWS\'s documented lines, with and without the appended fields', () => {
    const parse = (line: string) => {
      const match = new RegExp(`^${ALB_HEALTH_CHECK_REGEX}$`).exec(line)!;
      expect(match).not.toBeNull();
      expect(match.length - 1).toBe(ALB_HEALTH_CHECK_COLUMNS.length);
      return Object.fromEntries(ALB_HEALTH_CHECK_COLUMNS.map((c, i) => [c.name, match[i + 1]]));
    };
    expect(parse('http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs PASS 200 -'))
      .toMatchObject({ type: 'http', latency: '0.019584011', target_addr: '172.31.20.97:80', target_group: 'HCLogsTestIPs', status: 'PASS', status_code: '200', reason_code: '-' });
    expect(parse('http 2025-10-31T12:44:58.901409Z 1.121980746 172.31.31.9:80 HCLogsTestIPs FAIL 502 TargetError app/shop/50dc6c495c0c9188 10.0.1.21'))
      .toMatchObject({ status: 'FAIL', status_code: '502', reason_code: 'TargetError', elb: 'app/shop/50dc6c495c0c9188', ip_address: '10.0.1.21' });
  });

  test('ALB regex has one capture group per column and parses a documented log line', () => {
    expect(ALB_COLUMNS).toHaveLength(34);
    const line = 'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_123456';
    const match = new RegExp(`^${ALB_REGEX}$`).exec(line)!;
    expect(match).not.toBeNull();
    expect(match.length - 1).toBe(ALB_COLUMNS.length);
    const row = Object.fromEntries(ALB_COLUMNS.map((c, i) => [c.name, match[i + 1]]));
    expect(row).toMatchObject({ client_ip: '192.168.131.39', elb_status_code: '200', request_verb: 'GET', request_url: 'https://www.example.com:443/', user_agent: 'curl/7.46.0', conn_trace_id: 'TID_123456' });
  });

  test('CloudFront and VPC flow log columns match the documented field counts', () => {
    expect(CLOUDFRONT_COLUMNS).toHaveLength(33);
    expect(VPC_FLOW_COLUMNS).toHaveLength(14);
  });

  test('named queries cover top 5xx paths, slowest targets, top client IPs, rejected flows and application errors', () => {
    const names = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((q: any) => q.Properties.Name).sort();
    expect(names).toEqual(['alb-failing-health-checks', 'alb-slowest-targets', 'alb-tls-failures-by-client', 'alb-top-5xx-paths', 'alb-top-client-ips',
      'app-log-errors-today', 'vpc-rejected-flows']);
    expect(archive.namedQueries).toHaveLength(7);
  });

  test('glue database name is a valid Glue identifier', () => {
    const db = Object.values(template.findResources('AWS::Glue::Database'))[0] as any;
    expect(db.Properties.DatabaseInput.Name).toMatch(/^[a-z0-9_]+$/);
  });
});

describe('grants', () => {
  test('grantQuery gives Athena on the workgroup, Glue read, archive read and results read/write', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantQuery(role);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action));
    expect(actions).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'glue:GetTable', 'glue:GetPartitions', 's3:GetObject*', 's3:PutObject']));
    expect(actions).not.toContain('s3:DeleteObject*');
    const put = policy.Properties.PolicyDocument.Statement.find((s: any) => ([] as string[]).concat(s.Action).includes('s3:PutObject'));
    expect(JSON.stringify(put.Resource)).toMatch(/ArchiveQueryResultsBucket/);
    expect(JSON.stringify(put.Resource)).not.toMatch(/"ArchiveBucket[0-9A-F]{8}"/);
  });

  test('grantRead gives read on the archive only', () => {
    const stack = newStack();
    const archive = new LogArchiveBucket(stack, 'Archive');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantRead(role, 'alb/*');
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('/alb/*');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('s3:PutObject');
  });
});
