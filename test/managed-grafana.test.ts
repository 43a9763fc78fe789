// ManagedGrafana (issue #19 part 2): the workspace, its least-privilege role, the dashboards'
// Grafana JSON models and the importer (tools/grafana-import.mjs) that provisions them.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Duration, Stack, aws_aps as aps, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_sns as sns } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { newStack } from './fixtures';
import { formatFindings, nag2Errors, nagFindings } from './helpers/nag';
import { defaultService } from './monitored-ecs-service.fixtures';
import { itemsService, virginiaApp } from './three-tier-app.fixtures';
import { DataStore, GrafanaAuthentication, GrafanaDashboardRow, GrafanaVersion, LogArchiveBucket, ManagedGrafana, ManagedGrafanaProps } from '../src';
import { GRAFANA_MANIFEST_KEY, PANEL_TYPES } from '../src/three-tier-app/grafana-model';

const SAML_URL = 'https://idp.example.com/app/metadata';

function grafanaIn(stack: Stack, props: Partial<ManagedGrafanaProps> = {}): ManagedGrafana {
  return new ManagedGrafana(stack, 'Grafana', { authentication: GrafanaAuthentication.identityCenter(), ...props });
}

/** Archive, two Prometheus workspaces, a topic, SAML and a system dashboard using all three sources. */
function everything(stack: Stack) {
  const archive = new LogArchiveBucket(stack, 'Archive');
  const prom1 = new aps.CfnWorkspace(stack, 'Prom1', { alias: 'api' });
  const prom2 = new aps.CfnWorkspace(stack, 'Prom2', { alias: 'worker' });
  const topic = new sns.Topic(stack, 'Alarms', { enforceSSL: true });
  const grafana = grafanaIn(stack, {
    authentication: GrafanaAuthentication.saml({ idpMetadataUrl: SAML_URL, adminRoleValues: ['grafana-admins'], editorRoleValues: ['developers'] }),
    logArchive: archive,
    prometheusWorkspaces: [prom1, prom2],
    alarmTopic: topic,
  });
  grafana.addDashboard('system', { rows: systemRows(prom2) });
  return { archive, prom1, prom2, topic, grafana };
}

/** The rows ThreeTierApp's system dashboard draws: edge, load balancer, database (DynamoDB math), a Prometheus panel, an Athena table. */
function systemRows(workspace: aps.CfnWorkspace): GrafanaDashboardRow[] {
  const cf = (metricName: string, statistic: string) => new cloudwatch.Metric({
    namespace: 'AWS/CloudFront',
    metricName,
    statistic,
    region: 'us-east-1',
    period: Duration.minutes(5),
    dimensionsMap: { DistributionId: 'E123EXAMPLE', Region: 'Global' },
  });
  const ddb = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName, statistic: 'Sum', dimensionsMap: { TableName: 'items' } });
  return [
    { title: 'Edge', metrics: [{ title: 'CloudFront requests', metrics: [cf('Requests', 'Sum')] }, { title: 'CloudFront error rate', metrics: [cf('4xxErrorRate', 'Average'), cf('5xxErrorRate', 'Average')], unit: 'percent' }] },
    { title: 'Load balancer', metrics: [{ title: 'Requests', metrics: [new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', statistic: 'Sum', dimensionsMap: { LoadBalancer: 'app/x/1' } })] }] },
    {
      title: 'Database',
      metrics: [{
        title: 'Throttled requests',
        metrics: [new cloudwatch.MathExpression({ expression: 'reads + writes', usingMetrics: { reads: ddb('ReadThrottleEvents'), writes: ddb('WriteThrottleEvents') }, label: 'throttled' })],
      }],
    },
    { title: 'Worker (Prometheus)', prometheus: [{ title: 'Up', workspace, expressions: ['up', 'sum(rate(http_requests_total[5m]))'] }] },
    { title: 'Logs', athena: [{ title: 'Top 5xx paths', sql: 'SELECT request_url, count(*) AS n FROM alb_access_logs WHERE elb_status_code >= 500 GROUP BY 1' }] },
  ];
}

const workspaceOf = (template: Template): any => Object.values(template.findResources('AWS::Grafana::Workspace'))[0];
const manifestOf = (template: Template): any => workspaceOf(template).Metadata[GRAFANA_MANIFEST_KEY];
const statementsOf = (template: Template): any[] => {
  const [policy] = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('GrafanaRoleDefaultPolicy'));
  return (policy[1] as any).Properties.PolicyDocument.Statement;
};
const arn = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const PARTITION = { Ref: 'AWS::Partition' };
const REGION = { Ref: 'AWS::Region' };
const ACCOUNT = { Ref: 'AWS::AccountId' };

describe('ManagedGrafana workspace', () => {
  test('Identity Center: AWS_SSO, CURRENT_ACCOUNT, CUSTOMER_MANAGED with its own role, Grafana 10.4', () => {
    const stack = newStack();
    grafanaIn(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Grafana::Workspace', {
      AccountAccessType: 'CURRENT_ACCOUNT',
      PermissionType: 'CUSTOMER_MANAGED',
      AuthenticationProviders: ['AWS_SSO'],
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrafanaRole'), 'Arn'] },
      GrafanaVersion: '10.4',
      SamlConfiguration: Match.absent(),
      NotificationDestinations: Match.absent(),
      PluginAdminEnabled: Match.absent(),
    });
  });

  test('SAML: metadata URL, the role assertion (default \'role\') and the admin and editor values', () => {
    const stack = newStack();
    grafanaIn(stack, { authentication: GrafanaAuthentication.saml({ idpMetadataUrl: SAML_URL, adminRoleValues: ['admins'], editorRoleValues: ['devs'], emailAssertion: 'mail' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Grafana::Workspace', {
      AuthenticationProviders: ['SAML'],
      SamlConfiguration: {
        IdpMetadata: { Url: SAML_URL, Xml: Match.absent() },
        AssertionAttributes: { Role: 'role', Email: 'mail' },
        RoleValues: { Admin: ['admins'], Editor: ['devs'] },
      },
    });
  });

  test('SAML: metadata XML, and a warning when no SAML user can be Admin', () => {
    const stack = newStack();
    const xml = '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="idp">x</md:EntityDescriptor>';
    grafanaIn(stack, { authentication: GrafanaAuthentication.saml({ idpMetadataXml: xml, roleAssertion: 'groups' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Grafana::Workspace', {
      SamlConfiguration: { IdpMetadata: { Xml: xml, Url: Match.absent() }, AssertionAttributes: { Role: 'groups' } },
    });
    Annotations.fromStack(stack).hasWarning('/Test/Grafana', Match.stringLikeRegexp('No adminRoleValues'));
  });

  test.each([
    ['neither', {}, /^Test\/Grafana: authentication.idpMetadata "neither given" is invalid: SAML takes the identity provider's metadata once.*Give exactly one of idpMetadataUrl and idpMetadataXml/],
    ['both', { idpMetadataUrl: SAML_URL, idpMetadataXml: '<x/>' }, /authentication.idpMetadata "both given" is invalid/],
    ['a URL that is not one', { idpMetadataUrl: 'idp.example.com/metadata' }, /authentication.idpMetadataUrl "idp.example.com\/metadata" is invalid: the metadata URL is an absolute http\(s\) URL/],
    ['XML that is not XML', { idpMetadataXml: 'EntityDescriptor' }, /authentication.idpMetadataXml "EntityDescriptor" is invalid/],
    ['organizations without their attribute', { idpMetadataUrl: SAML_URL, allowedOrganizations: ['acme'] }, /authentication.allowedOrganizations \["acme"\] is invalid.*Give orgAssertion too/],
  ])('SAML with %s metadata fails early', (_case, options, message) => {
    expect(() => grafanaIn(newStack(), { authentication: GrafanaAuthentication.saml(options) })).toThrow(message);
  });

  test('AWS constraint: the workspace name matches ^[a-zA-Z0-9-._~]{1,255}$, also for long, odd construct paths', () => {
    const stack = newStack();
    let scope: Construct = stack;
    for (let i = 0; i < 12; i++) scope = new Construct(scope, `Level ${i} (prod) with a long name ${'x'.repeat(20)}`);
    new ManagedGrafana(scope, 'Grafana #1', { authentication: GrafanaAuthentication.identityCenter() });
    const name = workspaceOf(Template.fromStack(stack)).Properties.Name;
    expect(name).toMatch(/^[a-zA-Z0-9-._~]{1,255}$/);
  });

  test('a given workspace name and Grafana version are checked; GrafanaVersion.of passes a newer one', () => {
    expect(() => grafanaIn(newStack(), { workspaceName: 'my grafana' })).toThrow(/workspaceName "my grafana" is invalid: a workspace name has 1-255 letters.*Use 'my-grafana'/);
    expect(() => grafanaIn(newStack(), { grafanaVersion: GrafanaVersion.of('v12') })).toThrow(/grafanaVersion "v12" is invalid/);
    const stack = newStack();
    grafanaIn(stack, { workspaceName: 'shop-grafana', grafanaVersion: GrafanaVersion.of('12.4') });
    Template.fromStack(stack).hasResourceProperties('AWS::Grafana::Workspace', { Name: 'shop-grafana', GrafanaVersion: '12.4' });
  });

  test.each([
    ['CloudWatch only', (s: Stack) => grafanaIn(s), ['CLOUDWATCH'], false],
    ['with the archive', (s: Stack) => grafanaIn(s, { logArchive: new LogArchiveBucket(s, 'Archive') }), ['CLOUDWATCH', 'ATHENA'], true],
    ['everything', (s: Stack) => everything(s).grafana, ['CLOUDWATCH', 'PROMETHEUS', 'ATHENA'], true],
  ])('DataSources lists the enabled sources (%s); plugin admin only for the Athena plugin', (_case, build, sources, plugins) => {
    const stack = newStack();
    build(stack);
    const props = workspaceOf(Template.fromStack(stack)).Properties;
    expect(props.DataSources).toEqual(sources);
    expect(props.PluginAdminEnabled).toBe(plugins ? true : undefined);
  });

  test('url is https:// and the workspace endpoint; workspaceId its Id', () => {
    const stack = newStack();
    const grafana = grafanaIn(stack);
    const id = stack.getLogicalId(grafana.workspace);
    expect(stack.resolve(grafana.url)).toEqual(arn('https://', { 'Fn::GetAtt': [id, 'Endpoint'] }));
    expect(stack.resolve(grafana.workspaceId)).toEqual({ 'Fn::GetAtt': [id, 'Id'] });
  });

  test('the description changes with the dashboards, so CloudFormation updates the manifest metadata', () => {
    const description = (rows: GrafanaDashboardRow[]) => {
      const stack = newStack();
      grafanaIn(stack).addDashboard('system', { rows });
      return workspaceOf(Template.fromStack(stack)).Properties.Description;
    };
    const metric = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'NumberOfMessagesSent' });
    expect(description([])).toMatch(/^Grafana of Test\/Grafana \(cdk-three-tier dashboards [0-9a-f]{12}\)$/);
    expect(description([])).toEqual(description([]));
    expect(description([{ title: 'Queue', metrics: [{ title: 'Sent', metrics: [metric] }] }])).not.toEqual(description([]));
  });
});

describe('ManagedGrafana role', () => {
  test('trusts grafana.amazonaws.com for workspaces of this account only (aws:SourceAccount, aws:SourceArn)', () => {
    const stack = newStack();
    grafanaIn(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'grafana.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: { 'aws:SourceArn': arn('arn:', PARTITION, ':grafana:', REGION, ':', ACCOUNT, ':/workspaces/*') },
          },
        }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('CloudWatch only: exactly the read statements for metrics, alarms and Logs Insights', () => {
    const stack = newStack();
    grafanaIn(stack);
    expect(statementsOf(Template.fromStack(stack))).toEqual([
      { Sid: 'CloudWatchMetricsRead', Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarmsForMetric'], Resource: '*' },
      { Sid: 'CloudWatchAlarmsRead', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], Resource: arn('arn:', PARTITION, ':cloudwatch:', REGION, ':', ACCOUNT, ':alarm:*') },
      { Sid: 'LogsInsightsQuery', Effect: 'Allow', Action: ['logs:DescribeLogGroups', 'logs:GetLogGroupFields', 'logs:StartQuery'], Resource: arn('arn:', PARTITION, ':logs:', REGION, ':', ACCOUNT, ':log-group:*') },
      { Sid: 'LogsInsightsResults', Effect: 'Allow', Action: ['logs:GetQueryResults', 'logs:StopQuery'], Resource: '*' },
    ]);
  });

  test('a wildcard resource appears only for actions without resource-level permissions', () => {
    const stack = newStack();
    everything(stack);
    const NO_RESOURCE_LEVEL = ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarmsForMetric', 'logs:GetQueryResults', 'logs:StopQuery'];
    for (const st of statementsOf(Template.fromStack(stack))) {
      const resources = [].concat(st.Resource);
      if (resources.includes('*' as never)) {
        expect({ sid: st.Sid, actions: [].concat(st.Action).filter((a) => !NO_RESOURCE_LEVEL.includes(a)) }).toEqual({ sid: st.Sid, actions: [] });
      }
    }
  });

  test('Prometheus: query and metadata reads of exactly the given workspaces', () => {
    const stack = newStack();
    const { prom1, prom2 } = everything(stack);
    const prometheus = statementsOf(Template.fromStack(stack)).filter((s) => s.Sid === 'PrometheusQuery');
    expect(prometheus).toEqual([{
      Sid: 'PrometheusQuery',
      Effect: 'Allow',
      Action: ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata', 'aps:DescribeWorkspace'],
      Resource: [stack.resolve(prom1.attrArn), stack.resolve(prom2.attrArn)],
    }]);
  });

  test('no Prometheus statement, data source or DataSources entry without workspaces', () => {
    const stack = newStack();
    grafanaIn(stack, { logArchive: new LogArchiveBucket(stack, 'Archive') });
    const template = Template.fromStack(stack);
    expect(JSON.stringify(statementsOf(template))).not.toContain('aps:');
    expect(manifestOf(template).dataSources.map((d: any) => d.type)).not.toContain('prometheus');
  });

  test('addPrometheusWorkspace adds the workspace to the one statement and returns its data source uid (once per workspace)', () => {
    const stack = newStack();
    const grafana = grafanaIn(stack);
    const a = new aps.CfnWorkspace(stack, 'A');
    const b = new aps.CfnWorkspace(stack, 'B');
    expect([grafana.addPrometheusWorkspace(a), grafana.addPrometheusWorkspace(b), grafana.addPrometheusWorkspace(a)]).toEqual(['prometheus', 'prometheus-2', 'prometheus']);
    expect(grafana.dataSourceUids).toEqual(['cloudwatch', 'prometheus', 'prometheus-2']);
    expect(statementsOf(Template.fromStack(stack)).find((s) => s.Sid === 'PrometheusQuery').Resource).toHaveLength(2);
  });

  test('SNS: notification destination SNS, and sns:Publish on the alarm topic only', () => {
    const stack = newStack();
    const { topic } = everything(stack);
    const template = Template.fromStack(stack);
    expect(workspaceOf(template).Properties.NotificationDestinations).toEqual(['SNS']);
    const publish = statementsOf(template).filter((s) => [].concat(s.Action).some((a: string) => a.startsWith('sns:')));
    expect(publish).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: stack.resolve(topic.topicArn) }]);
  });

  test('Athena: the archive\'s grantQuery (workgroup, Glue database and tables, archive reads, results) and the editor\'s catalog reads', () => {
    const stack = newStack();
    const { archive } = everything(stack);
    const statements = statementsOf(Template.fromStack(stack));
    const withAction = (prefix: string) => statements.filter((s) => [].concat(s.Action).some((a: string) => a.startsWith(prefix)));
    const workGroupArn = arn('arn:', PARTITION, ':athena:', REGION, ':', ACCOUNT, ':workgroup/', stack.resolve(archive.workGroupName));
    expect(withAction('athena:StartQueryExecution')).toEqual([{
      Effect: 'Allow',
      Action: ['athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup', 'athena:GetNamedQuery', 'athena:ListNamedQueries'],
      Resource: workGroupArn,
    }]);
    const database = stack.resolve(archive.glueDatabaseName);
    expect(withAction('glue:')).toEqual([{
      Effect: 'Allow',
      Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      Resource: [
        arn('arn:', PARTITION, ':glue:', REGION, ':', ACCOUNT, ':catalog'),
        arn('arn:', PARTITION, ':glue:', REGION, ':', ACCOUNT, ':database/', database),
        arn('arn:', PARTITION, ':glue:', REGION, ':', ACCOUNT, ':table/', database, '/*'),
      ],
    }]);
    const results = stack.resolve(archive.queryResultsBucket.bucketArn);
    expect(withAction('s3:PutObject')).toEqual([expect.objectContaining({ Resource: [results, arn(results, '/athena/*')] })]);
    const archiveArn = stack.resolve(archive.bucket.bucketArn);
    expect(withAction('s3:GetObject*')).toEqual([expect.objectContaining({ Resource: [archiveArn, arn(archiveArn, '/*')] })]);
    expect(statements.find((s) => s.Sid === 'AthenaQueryEditorMetadata')).toEqual({
      Sid: 'AthenaQueryEditorMetadata',
      Effect: 'Allow',
      Action: ['athena:GetDataCatalog', 'athena:ListTableMetadata', 'athena:GetTableMetadata'],
      Resource: arn('arn:', PARTITION, ':athena:', REGION, ':', ACCOUNT, ':datacatalog/AwsDataCatalog'),
    });
  });

  test('no AWS managed policy is attached (AmazonGrafana* policies are broader than these sources)', () => {
    const stack = newStack();
    everything(stack);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Role'))).not.toMatch(/AmazonGrafana|CloudWatchReadOnlyAccess/);
  });
});

describe('ManagedGrafana rule packs', () => {
  const ours = (resource: string) => resource.startsWith('Test/Grafana/');

  test('Identity Center, CloudWatch only: no unacknowledged finding in the four packs', () => {
    const stack = newStack();
    grafanaIn(stack);
    expect(formatFindings(nagFindings(stack).filter((f) => ours(f.resource)))).toEqual('');
  });

  test('everything on (SAML, archive, two Prometheus workspaces, topic): no unacknowledged finding in the four packs', () => {
    const stack = newStack();
    everything(stack);
    expect(formatFindings(nagFindings(stack).filter((f) => ours(f.resource)))).toEqual('');
  });

  test('cdk-nag 2 consumers see nothing from the Grafana either', () => {
    const stack = newStack();
    everything(stack);
    expect(nag2Errors(stack, ['/Test/Grafana/'])).toEqual([]);
  });

  test('each acknowledgement is one finding with a reason; a wildcard granted afterwards is still reported', () => {
    const stack = newStack();
    const { grafana } = everything(stack);
    const rules = (grafana.role.node.findChild('DefaultPolicy').node.defaultChild as any).getMetadata('cdk_nag').rules_to_suppress;
    for (const rule of rules) expect(rule.reason.length).toBeGreaterThan(40);
    expect(rules.filter((r: any) => r.id === 'AwsSolutions-IAM5').every((r: any) => r.applies_to?.length === 1)).toBe(true);
    grafana.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['arn:aws:ec2:*:*:instance/*'] }));
    expect(nagFindings(stack).map((f) => f.rule)).toContain('AwsSolutions-IAM5[Resource::arn:aws:ec2:*:*:instance/*]');
  });
});

describe('ManagedGrafana dashboards', () => {
  /** Grafana's dashboard model, as far as the dashboards rely on it; returns the problems found. */
  function modelProblems(model: any, provisioned: Map<string, string>): string[] {
    const problems: string[] = [];
    if (typeof model.schemaVersion !== 'number' || model.schemaVersion < 36) problems.push(`schemaVersion ${model.schemaVersion}`);
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(model.uid)) problems.push(`uid ${model.uid}`);
    const ids = model.panels.map((p: any) => p.id);
    if (!ids.every((id: unknown) => Number.isInteger(id)) || new Set(ids).size !== ids.length) problems.push(`panel ids ${ids}`);
    const ref = (where: string, ds: any) => {
      if (!ds || provisioned.get(ds.uid) !== ds.type) problems.push(`${where}: data source ${JSON.stringify(ds)} is not provisioned`);
    };
    for (const p of model.panels) {
      const where = `${model.title} / ${p.title}`;
      if (!PANEL_TYPES.includes(p.type)) problems.push(`${where}: type ${p.type}`);
      const g = p.gridPos ?? {};
      if (!['h', 'w', 'x', 'y'].every((k) => Number.isInteger(g[k]) && g[k] >= 0) || g.w < 1 || g.w > 24 || g.x + g.w > 24) problems.push(`${where}: gridPos ${JSON.stringify(g)}`);
      if (p.type === 'row') continue;
      ref(where, p.datasource);
      const refIds = (p.targets ?? []).map((t: any) => t.refId);
      if (refIds.length === 0 || new Set(refIds).size !== refIds.length || !refIds.every((r: unknown) => typeof r === 'string')) problems.push(`${where}: refIds ${refIds}`);
      for (const t of p.targets ?? []) ref(`${where} / ${t.refId}`, t.datasource);
    }
    return problems;
  }

  test.each([
    ['CloudWatch only', (s: Stack) => {
      const g = grafanaIn(s);
      g.addDashboard('system', { rows: systemRows(new aps.CfnWorkspace(s, 'Unused')).slice(0, 3) });
      return g;
    }],
    ['everything', (s: Stack) => everything(s).grafana],
  ])('every dashboard follows Grafana\'s model and references only data sources the importer provisions (%s)', (_case, build) => {
    const stack = newStack();
    const grafana = build(stack);
    const manifest = manifestOf(Template.fromStack(stack));
    const provisioned = new Map<string, string>(manifest.dataSources.map((d: any) => [d.uid, d.type]));
    expect([...provisioned.keys()]).toEqual(grafana.dataSourceUids);
    expect(manifest.dashboards.map((d: any) => d.name)).toEqual(grafana.dashboardNames);
    for (const { model } of manifest.dashboards) expect(modelProblems(model, provisioned)).toEqual([]);
  });

  test('ThreeTierApp grafana: the system dashboard (CloudWatch dashboard metrics, DynamoDB math, cache, its services and their Prometheus) follows the model; the packs stay clean', () => {
    const { stack, system } = virginiaApp({
      database: DataStore.dynamoDb(),
      cache: {},
      grafana: { authentication: GrafanaAuthentication.identityCenter() },
      services: [{ ...itemsService, prometheus: {}, cache: true }],
    });
    const t = Template.fromStack(stack);
    expect(workspaceOf(t).Properties.DataSources).toEqual(['CLOUDWATCH', 'PROMETHEUS', 'ATHENA']);
    expect(system.grafana.dataSourceUids).toEqual(['cloudwatch', 'prometheus', 'athena']);
    expect(() => virginiaApp().system.grafana).toThrow(/System\/App: grafana undefined is invalid: this system has no Grafana workspace/);
    const manifest = manifestOf(t);
    const provisioned = new Map<string, string>(manifest.dataSources.map((d: any) => [d.uid, d.type]));
    const model = manifest.dashboards.find((d: any) => d.name === 'system').model;
    expect(modelProblems(model, provisioned)).toEqual([]);
    expect(model.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title)).toEqual([
      'Edge: CloudFront and WAF', 'Load balancer', 'Database (dynamodb)', 'Cache (valkey serverless)', 'Items: traffic', 'Items: capacity', 'Items: Prometheus',
    ]);
    expect(model.panels.find((p: any) => p.title === 'WAF requests').targets.map((t2: any) => [t2.region, t2.metricName]))
      .toEqual([['us-east-1', 'AllowedRequests'], ['us-east-1', 'BlockedRequests']]);
    expect(formatFindings(nagFindings(stack))).toEqual('');
  });

  test('the model check fails a dashboard that names Prometheus without a Prometheus data source', () => {
    const stack = newStack();
    everything(stack);
    const manifest = manifestOf(Template.fromStack(stack));
    const withoutPrometheus = new Map<string, string>(manifest.dataSources.filter((d: any) => d.type !== 'prometheus').map((d: any) => [d.uid, d.type]));
    const system = manifest.dashboards.find((d: any) => d.name === 'system').model;
    expect(modelProblems(system, withoutPrometheus)).toContainEqual('Test/Grafana: system / Up: data source {"type":"prometheus","uid":"prometheus-2"} is not provisioned');
  });

  test('a Prometheus panel over a workspace this Grafana does not query fails, naming the fix', () => {
    const stack = newStack();
    const grafana = grafanaIn(stack);
    const other = new aps.CfnWorkspace(stack, 'Other');
    expect(() => grafana.addDashboard('system', { rows: [{ title: 'Api', prometheus: [{ title: 'Up', workspace: other, expressions: ['up'] }] }] }))
      .toThrow(/^Test\/Grafana: prometheus panel "Api \/ Up" is invalid: its workspace Test\/Other is not one of this Grafana's Prometheus data sources.*addPrometheusWorkspace/);
  });

  test('an Athena panel without a log archive fails', () => {
    const grafana = grafanaIn(newStack());
    expect(() => grafana.addDashboard('logs2', { rows: [{ title: 'Logs', athena: [{ title: 'x', sql: 'SELECT 1' }] }] }))
      .toThrow(/athena \["x"\] is invalid: Athena panels query the log archive, and none was given/);
  });

  test('dashboard names: unique, short, lower case; rows only go to a dashboard that exists', () => {
    const grafana = grafanaIn(newStack());
    grafana.addDashboard('system');
    expect(() => grafana.addDashboard('system')).toThrow(/dashboard id "system" is invalid: another dashboard of Test\/Grafana already has it/);
    expect(() => grafana.addDashboard('System View')).toThrow(/dashboard name "System View" is invalid.*Use 'system-view'/);
    expect(() => grafana.addDashboardRows('api', [])).toThrow(/dashboard "api" is invalid: there is no dashboard of this name \(there are: system\)/);
  });

  test('the logs dashboard: Athena tables whose SQL reads tables the archive defines (ALB 5xx by target over the last day first)', () => {
    const stack = newStack();
    grafanaIn(stack, { logArchive: new LogArchiveBucket(stack, 'Archive') });
    const template = Template.fromStack(stack);
    const tables = new Set(Object.values(template.findResources('AWS::Glue::Table')).map((t: any) => t.Properties.TableInput.Name));
    const logs = manifestOf(template).dashboards.find((d: any) => d.name === 'logs').model;
    const athena = logs.panels.filter((p: any) => p.type === 'table');
    expect(athena[0]).toMatchObject({ title: 'ALB 5xx by target, last day', datasource: { type: 'grafana-athena-datasource', uid: 'athena' } });
    expect(athena[0].targets[0].rawSQL).toMatch(/FROM alb_access_logs\nWHERE day >= date_format\(current_date - interval '1' day, '%Y\/%m\/%d'\) AND elb_status_code >= 500\nGROUP BY 1, 2 /);
    expect(logs.refresh).toBe('');
    for (const p of athena) {
      expect(p.targets[0].format).toBe(1);
      const [, table] = /FROM (\w+)/.exec(p.targets[0].rawSQL)!;
      expect(tables).toContain(table);
    }
  });

  test('CloudWatch targets: us-east-1 for CloudFront, the data source\'s Region otherwise; math becomes code over hidden queries', () => {
    const stack = newStack();
    everything(stack);
    const system = manifestOf(Template.fromStack(stack)).dashboards.find((d: any) => d.name === 'system').model;
    const panel = (title: string) => system.panels.find((p: any) => p.title === title);
    expect(panel('CloudFront requests').targets).toEqual([expect.objectContaining({
      refId: 'A',
      region: 'us-east-1',
      namespace: 'AWS/CloudFront',
      metricName: 'Requests',
      statistic: 'Sum',
      period: '300',
      dimensions: { DistributionId: 'E123EXAMPLE', Region: 'Global' },
      matchExact: true,
      datasource: { type: 'cloudwatch', uid: 'cloudwatch' },
    })]);
    expect(panel('Requests').targets[0].region).toBe('default');
    expect(panel('Throttled requests').targets).toEqual([
      expect.objectContaining({ refId: 'A', id: 'reads', hide: true, metricName: 'ReadThrottleEvents' }),
      expect.objectContaining({ refId: 'B', id: 'writes', hide: true, metricName: 'WriteThrottleEvents' }),
      expect.objectContaining({ refId: 'C', id: '', hide: false, metricEditorMode: 1, expression: 'reads + writes', label: 'throttled' }),
    ]);
  });

  test('serviceRows: traffic and capacity rows from the service\'s metrics, and a Prometheus row filtered to its scrape job', () => {
    const stack = newStack();
    const { service, archive } = defaultService(stack, { prometheus: {} });
    const grafana = new ManagedGrafana(stack, 'Grafana', {
      authentication: GrafanaAuthentication.identityCenter(), logArchive: archive, prometheusWorkspaces: [service.prometheusWorkspace],
    });
    grafana.addDashboard('api', { rows: ManagedGrafana.serviceRows(service, { prometheusWorkspace: service.prometheusWorkspace }) });
    const model = manifestOf(Template.fromStack(stack)).dashboards.find((d: any) => d.name === 'api').model;
    expect(model.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title)).toEqual(['Api: traffic', 'Api: capacity', 'Api: Prometheus']);
    const latency = model.panels.find((p: any) => p.title === 'Target response time');
    expect(latency.targets.map((t: any) => t.statistic)).toEqual(['p50', 'p90', 'p99']);
    expect(latency.fieldConfig.defaults.unit).toBe('s');
    const up = model.panels.find((p: any) => p.title === 'Scrape targets up');
    expect(up.targets[0]).toMatchObject({ expr: expect.stringMatching(/^up\{job="Test-Api-[0-9A-F]{8}"\}$/), datasource: { type: 'prometheus', uid: 'prometheus' } });
  });
});

describe('grafana-import.mjs', () => {
  const SCRIPT = path.join(__dirname, '..', 'tools', 'grafana-import.mjs');
  /** Call an export of the importer in Node (ESM), arguments through stdin; no network. */
  function importer(fn: string, ...args: unknown[]): any {
    const code = `import * as m from ${JSON.stringify(pathToFileURL(SCRIPT).href)};
import { readFileSync } from 'node:fs';
const args = JSON.parse(readFileSync(0, 'utf8'));
let out;
try { out = { value: m.${fn}(...args) ?? null }; } catch (e) { out = { error: e.message }; }
process.stdout.write(JSON.stringify(out));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { input: JSON.stringify(args), encoding: 'utf8' }));
    if (out.error) throw new Error(out.error);
    return out.value;
  }

  let manifest: any;
  let uids: string[];
  beforeAll(() => {
    const stack = newStack();
    uids = everything(stack).grafana.dataSourceUids;
    manifest = manifestOf(Template.fromStack(stack));
  });

  test('reads the manifest back from the resource metadata DescribeStackResource returns (a JSON string)', () => {
    const metadata = JSON.stringify({ [GRAFANA_MANIFEST_KEY]: manifest, 'aws:cdk:path': 'Test/Grafana/Workspace' });
    expect(importer('manifestFromMetadata', metadata)).toEqual(manifest);
    expect(importer('manifestFromMetadata', JSON.stringify({ 'aws:cdk:path': 'x' }))).toBeNull();
    expect(() => importer('manifestFromMetadata', { [GRAFANA_MANIFEST_KEY]: { ...manifest, format: 'cdk-three-tier/grafana@9' } })).toThrow(/update this script/);
  });

  test('the data sources it creates are the uids the dashboards reference, and nothing dangles', () => {
    expect(manifest.dataSources.map((d: any) => d.uid)).toEqual(uids);
    expect(uids).toEqual(['cloudwatch', 'prometheus', 'prometheus-2', 'athena']);
    expect(importer('danglingReferences', manifest)).toEqual([]);
    const broken = { ...manifest, dataSources: manifest.dataSources.filter((d: any) => d.uid !== 'prometheus-2') };
    expect(importer('danglingReferences', broken)).toEqual([
      'Test/Grafana: system / Up: prometheus prometheus-2',
      'Test/Grafana: system / Up / A: prometheus prometheus-2',
      'Test/Grafana: system / Up / B: prometheus prometheus-2',
    ]);
  });

  test('data sources: CloudWatch and Athena with the workspace role, Prometheus signed with SigV4 at the workspace URL', () => {
    const stack = newStack();
    const { prom1, archive } = everything(stack);
    const byUid = Object.fromEntries(manifestOf(Template.fromStack(stack)).dataSources.map((d: any) => [d.uid, d]));
    expect(byUid.cloudwatch).toEqual({ uid: 'cloudwatch', name: 'CloudWatch', type: 'cloudwatch', access: 'proxy', jsonData: { authType: 'ec2_iam_role', defaultRegion: REGION } });
    expect(byUid.prometheus).toMatchObject({
      type: 'prometheus',
      url: stack.resolve(prom1.attrPrometheusEndpoint),
      jsonData: { httpMethod: 'POST', sigV4Auth: true, sigV4AuthType: 'ec2_iam_role', sigV4Region: REGION },
    });
    expect(byUid.athena).toMatchObject({
      type: 'grafana-athena-datasource',
      jsonData: { authType: 'ec2_iam_role', defaultRegion: REGION, catalog: 'AwsDataCatalog', database: stack.resolve(archive.glueDatabaseName), workgroup: stack.resolve(archive.workGroupName) },
    });
  });

  test('plan: install the missing plugin, update existing data sources by uid, create the others, overwrite every dashboard', () => {
    const plan = importer('importPlan', manifest, { existingDataSourceUids: ['cloudwatch'], installedPlugins: [] });
    expect(plan.map((r: any) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/plugins/grafana-athena-datasource/install',
      'PUT /api/datasources/uid/cloudwatch',
      'POST /api/datasources',
      'POST /api/datasources',
      'POST /api/datasources',
      'POST /api/dashboards/db',
      'POST /api/dashboards/db',
    ]);
    expect(plan[2].body.uid).toBe('prometheus');
    const dashboards = plan.filter((r: any) => r.path === '/api/dashboards/db');
    expect(dashboards.map((r: any) => [r.body.overwrite, r.body.dashboard.id, r.body.dashboard.uid])).toEqual([
      [true, null, expect.stringMatching(/^ctt-[0-9a-f]{8}-logs$/)],
      [true, null, expect.stringMatching(/^ctt-[0-9a-f]{8}-system$/)],
    ]);
    expect(importer('importPlan', manifest, { installedPlugins: ['grafana-athena-datasource'] })[0].path).toBe('/api/datasources');
  });

  test('a short-lived Admin service-account token through the AWS CLI, deleted afterwards', () => {
    expect(importer('awsArgs.createServiceAccount', 'g-0123456789', 'eu-west-1')).toEqual([
      'grafana', 'create-workspace-service-account', '--workspace-id', 'g-0123456789', '--grafana-role', 'ADMIN', '--name', 'cdk-three-tier-importer', '--region', 'eu-west-1',
    ]);
    expect(importer('awsArgs.createToken', 'g-0123456789', '7', 'import-1')).toEqual([
      'grafana', 'create-workspace-service-account-token', '--workspace-id', 'g-0123456789', '--service-account-id', '7', '--name', 'import-1', '--seconds-to-live', '600',
    ]);
    expect(importer('awsArgs.deleteToken', 'g-0123456789', '7', 't1')).toContain('delete-workspace-service-account-token');
  });

  test('arguments: --stack or --manifest with --workspace-id; a workspace id is g- and 10 hex digits', () => {
    expect(importer('parseArgs', ['--stack', 'Shop', '--region', 'eu-west-1', '--dry-run'])).toEqual({ stack: 'Shop', region: 'eu-west-1', dryRun: true });
    expect(() => importer('parseArgs', [])).toThrow(/give --stack or --manifest/);
    expect(() => importer('parseArgs', ['--manifest', 'm.json'])).toThrow(/--manifest needs --workspace-id/);
    expect(() => importer('parseArgs', ['--manifest', 'm.json', '--workspace-id', 'abc'])).toThrow(/a workspace id is g- and 10 hex digits/);
    expect(() => importer('parseArgs', ['--stack'])).toThrow(/--stack: unknown option or missing value/);
  });

  test('picks the one workspace with a manifest, or asks for --logical-id', () => {
    const a = { logicalId: 'GrafanaWorkspaceA', workspaceId: 'g-0000000001', manifest: {} };
    const b = { logicalId: 'OtherWorkspace', workspaceId: 'g-0000000002' };
    expect(importer('pickWorkspace', [a, b]).workspaceId).toBe('g-0000000001');
    expect(() => importer('pickWorkspace', [a, { ...b, manifest: {} }])).toThrow(/several workspaces carry a manifest \(GrafanaWorkspaceA, OtherWorkspace\): pass --logical-id/);
    expect(() => importer('pickWorkspace', [b])).toThrow(/no Grafana workspace with a cdk-three-tier manifest/);
  });
});
