import { createHash } from 'crypto';
import {
  ArnFormat, Lazy, Names, Stack, Token, aws_aps as aps, aws_grafana as grafana, aws_iam as iam, aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GrafanaAuthentication } from './grafana-auth';
import {
  ATHENA_PLUGIN, ATHENA_UID, CLOUDWATCH_UID, GRAFANA_MANIFEST_KEY, LOG_QUERIES, dashboardModel, prometheusUid,
} from './grafana-model';
import { GrafanaDashboardOptions, GrafanaDashboardRow, GrafanaServiceRowsOptions } from './grafana-panels';
import { ILogArchive } from '../log-archive-bucket';
import { MonitoredEcsService } from '../monitored-ecs-service';
import { acknowledge, inCompliancePacks, nagResourceText } from '../private/nag';
import { checkId, invalid, literalString } from '../private/validate';

/** The Grafana version of the workspace (workspaces upgrade, never downgrade). */
export class GrafanaVersion {
  /** Grafana 10.4. */
  public static readonly V10_4 = new GrafanaVersion('10.4');

  /** Another version Amazon Managed Grafana offers (`aws grafana list-versions`), e.g. '12.4'. */
  public static of(version: string): GrafanaVersion {
    return new GrafanaVersion(version);
  }

  private constructor(
    /** The version as the workspace takes it. */
    public readonly version: string,
  ) {}
}

/** Properties of a `ManagedGrafana`. */
export interface ManagedGrafanaProps {
  /** How users sign in: `GrafanaAuthentication.identityCenter()` or `GrafanaAuthentication.saml({...})`. */
  readonly authentication: GrafanaAuthentication;
  /**
   * A log archive to query with Athena: the workspace role gets the archive's `grantQuery`, the
   * importer provisions the Athena data source (and plugin), and a `logs` dashboard is added.
   * @default - no Athena data source and no `logs` dashboard
   */
  readonly logArchive?: ILogArchive;
  /**
   * Amazon Managed Service for Prometheus workspaces to query (e.g. `service.prometheusWorkspace`).
   * @default - no Prometheus data source until `addPrometheusWorkspace`
   */
  readonly prometheusWorkspaces?: aps.CfnWorkspace[];
  /**
   * Topic Grafana alerts may publish to (SNS notification destination; the role may publish there only).
   * @default - no notification destination
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Grafana version.
   * @default GrafanaVersion.V10_4
   */
  readonly grafanaVersion?: GrafanaVersion;
  /**
   * Workspace name: 1-255 letters, digits, '-', '.', '_' or '~'.
   * @default - derived from the construct path
   */
  readonly workspaceName?: string;
}

/**
 * An Amazon Managed Grafana workspace reading this system's CloudWatch metrics, its services'
 * Prometheus workspaces and its log archive (Athena), with a least-privilege role of its own.
 *
 * CloudFormation creates the workspace and its role, nothing inside Grafana: data sources,
 * dashboards and service-account tokens have no CloudFormation resource. The construct writes
 * them as an import manifest in the workspace's resource metadata, which CloudFormation resolves
 * at deploy time; `npx -p cdk-three-tier cdk-three-tier-grafana-import --stack <stack>` reads it back and provisions
 * them through Grafana's HTTP API (docs/GRAFANA.md).
 *
 * Cost: Amazon Managed Grafana bills per active user per workspace-month: $9 per Editor or
 * Admin, $5 per Viewer (a user who signs in that month); a workspace counts at least one Editor
 * license. Queries are billed by their sources (CloudWatch GetMetricData, Athena scanned bytes).
 *
 * @example
 * import * as sns from 'aws-cdk-lib/aws-sns';
 * import { GrafanaAuthentication, ManagedGrafana } from 'cdk-three-tier';
 *
 * declare const archive: LogArchiveBucket;
 * declare const topic: sns.ITopic;
 * declare const api: MonitoredEcsService;
 *
 * const grafana = new ManagedGrafana(this, 'Grafana', {
 *   authentication: GrafanaAuthentication.identityCenter(),
 *   logArchive: archive,
 *   alarmTopic: topic,
 * });
 * grafana.addDashboard('api', { rows: ManagedGrafana.serviceRows(api) });
 */
export class ManagedGrafana extends Construct {
  /**
   * The rows of the service's own dashboard (requests, latency percentiles, hosts, CPU, memory,
   * tasks), and its Prometheus row when given the workspace.
   */
  public static serviceRows(service: MonitoredEcsService, options: GrafanaServiceRowsOptions = {}): GrafanaDashboardRow[] {
    const heading = options.heading ?? service.node.id;
    const rows: GrafanaDashboardRow[] = [
      {
        title: `${heading}: traffic`,
        metrics: [
          { title: 'Requests and errors', metrics: [service.metricRequestCount(), service.metricClientErrors(), service.metricServerErrors()] },
          {
            title: 'Target response time',
            metrics: ['p50', 'p90', 'p99'].map((statistic) => service.metricTargetResponseTime({ statistic, label: statistic })),
            unit: 's',
          },
          { title: 'Healthy / unhealthy hosts', metrics: [service.metricHealthyHosts(), service.metricUnhealthyHosts()] },
        ],
      },
      {
        title: `${heading}: capacity`,
        metrics: [
          { title: 'CPU utilization', metrics: [service.metricCpuUtilization()], unit: 'percent' },
          { title: 'Memory utilization', metrics: [service.metricMemoryUtilization()], unit: 'percent' },
          { title: 'Running vs desired tasks', metrics: [service.metricRunningTasks(), service.metricDesiredTasks()] },
        ],
      },
    ];
    if (options.prometheusWorkspace) {
      // The collector's scrape job is named like this (MonitoredEcsService's Prometheus sidecar).
      const job = `job="${Names.uniqueResourceName(service, { maxLength: 64, separator: '-' })}"`;
      const workspace = options.prometheusWorkspace;
      rows.push({
        title: `${heading}: Prometheus`,
        prometheus: [
          { title: 'Request rate by status', workspace, expressions: [`sum by (status) (rate(http_requests_total{${job}}[5m]))`], unit: 'reqps' },
          {
            title: 'Latency p99',
            workspace,
            expressions: [`histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${job}}[5m])))`],
            unit: 's',
          },
          { title: 'Scrape targets up', workspace, expressions: [`up{${job}}`] },
        ],
      });
    }
    return rows;
  }

  /** The workspace (its L1: CloudFormation has no L2 for Grafana). */
  public readonly workspace: grafana.CfnWorkspace;
  /** The workspace role: read-only on exactly the sources configured. */
  public readonly role: iam.Role;
  /** The workspace URL (`https://` and the workspace endpoint). */
  public readonly url: string;
  /** The workspace id (`g-...`). */
  public readonly workspaceId: string;
  /** The archive the Athena data source queries, when given. */
  public readonly logArchive?: ILogArchive;

  private readonly workspaces: aps.CfnWorkspace[] = [];
  private prometheusStatement?: iam.PolicyStatement;
  private readonly dashboards = new Map<string, { title: string; rows: GrafanaDashboardRow[] }>();

  constructor(scope: Construct, id: string, props: ManagedGrafanaProps) {
    super(scope, id);
    const path = this.node.path;
    const stack = Stack.of(this);
    const version = props.grafanaVersion ?? GrafanaVersion.V10_4;
    if (!Token.isUnresolved(version.version) && !/^\d+\.\d+$/.test(version.version)) {
      throw invalid(path, 'grafanaVersion', version.version, 'a Grafana version is <major>.<minor>, as `aws grafana list-versions` prints it',
        'Use GrafanaVersion.V10_4 or GrafanaVersion.of(\'12.4\').');
    }
    const name = literalString(props.workspaceName);
    if (name !== undefined && !/^[a-zA-Z0-9-._~]{1,255}$/.test(name)) {
      throw invalid(path, 'workspaceName', name, 'a workspace name has 1-255 letters, digits, \'-\', \'.\', \'_\' or \'~\'',
        `Use '${name.replace(/[^a-zA-Z0-9-._~]/g, '-').slice(0, 255) || 'grafana'}'.`);
    }
    const auth = props.authentication._bind(this);
    this.logArchive = props.logArchive;

    this.role = new iam.Role(this, 'Role', {
      // Only workspaces of this account may use the role (confused deputy).
      assumedBy: new iam.ServicePrincipal('grafana.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'grafana', resource: '/workspaces', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }) },
        },
      }),
      description: `Amazon Managed Grafana workspace of ${path}`.slice(0, 1000),
    });
    this.grantSources(props);

    this.workspace = new grafana.CfnWorkspace(this, 'Workspace', {
      name: props.workspaceName ?? Names.uniqueResourceName(this, { maxLength: 255, separator: '-' }),
      // The hash changes with the manifest: CloudFormation updates metadata only with a property change.
      description: Lazy.string({ produce: () => `Grafana of ${path.slice(0, 1900)} (cdk-three-tier dashboards ${this.manifestHash()})` }),
      accountAccessType: 'CURRENT_ACCOUNT',
      permissionType: 'CUSTOMER_MANAGED',
      roleArn: this.role.roleArn,
      authenticationProviders: auth.providers,
      samlConfiguration: auth.saml,
      dataSources: Lazy.list({
        produce: () => ['CLOUDWATCH', ...(this.workspaces.length ? ['PROMETHEUS'] : []), ...(props.logArchive ? ['ATHENA'] : [])],
      }),
      notificationDestinations: props.alarmTopic ? ['SNS'] : undefined,
      grafanaVersion: version.version,
      // The Athena data source is a plugin; the importer installs it through the plugin API.
      pluginAdminEnabled: props.logArchive ? true : undefined,
    });
    this.workspace.addMetadata(GRAFANA_MANIFEST_KEY, Lazy.any({ produce: () => this.manifest() }));
    this.workspaceId = this.workspace.attrId;
    this.url = `https://${this.workspace.attrEndpoint}`;

    for (const workspace of props.prometheusWorkspaces ?? []) this.addPrometheusWorkspace(workspace);
    if (props.logArchive) {
      this.addDashboard('logs', {
        title: `${path}: logs`,
        rows: [{
          title: 'Log archive (Athena)',
          athena: [
            { title: 'ALB 5xx by target, last day', sql: LOG_QUERIES.alb5xxByTarget },
            { title: 'Slowest targets (p99), last day', sql: LOG_QUERIES.albSlowestTargets },
            { title: 'Rejected VPC flows, today', sql: LOG_QUERIES.vpcRejectedFlows },
          ],
        }],
      });
    }
    this.acknowledgeRoleFindings();
  }

  /** Names of the dashboards, in the order they were added. */
  public get dashboardNames(): string[] {
    return [...this.dashboards.keys()];
  }

  /** The uids of the data sources the importer provisions (dashboards reference only these). */
  public get dataSourceUids(): string[] {
    return [CLOUDWATCH_UID, ...this.workspaces.map((_, i) => prometheusUid(i)), ...(this.logArchive ? [ATHENA_UID] : [])];
  }

  /**
   * Query a Prometheus workspace too: aps read actions on it for the role, a data source for the
   * importer. Returns that data source's uid (`prometheus`, then `prometheus-2`, ...).
   */
  public addPrometheusWorkspace(workspace: aps.CfnWorkspace): string {
    const known = this.workspaces.indexOf(workspace);
    if (known >= 0) return prometheusUid(known);
    this.workspaces.push(workspace);
    if (!this.prometheusStatement) {
      // Query and metadata reads of these workspaces only. aps:ListWorkspaces (the console's
      // workspace picker) has no resource-level permission and is left out: the importer names the URL.
      this.prometheusStatement = new iam.PolicyStatement({
        sid: 'PrometheusQuery',
        actions: ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata', 'aps:DescribeWorkspace'],
      });
      this.role.addToPrincipalPolicy(this.prometheusStatement);
    }
    this.prometheusStatement.addResources(workspace.attrArn);
    return prometheusUid(this.workspaces.length - 1);
  }

  /** Add a dashboard; `name` (1-30 lower-case letters, digits or '-') is its key and part of its uid. */
  public addDashboard(name: string, options: GrafanaDashboardOptions = {}): void {
    checkId(this.node.path, 'dashboard', name, this.dashboards.has(name), 'system');
    if (!/^[a-z0-9][a-z0-9-]{0,29}$/.test(name)) {
      throw invalid(this.node.path, 'dashboard name', name, 'a dashboard name is 1-30 lower-case letters, digits or \'-\' (it is part of the dashboard\'s uid)',
        `Use '${name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '').slice(0, 30) || 'system'}'.`);
    }
    this.dashboards.set(name, { title: options.title ?? `${this.node.path}: ${name}`, rows: [] });
    this.addDashboardRows(name, options.rows ?? []);
  }

  /** Append rows to a dashboard added before (e.g. a service's rows as services are added). */
  public addDashboardRows(name: string, rows: GrafanaDashboardRow[]): void {
    const dashboard = this.dashboards.get(name);
    if (!dashboard) {
      throw invalid(this.node.path, 'dashboard', name, `there is no dashboard of this name (there are: ${this.dashboardNames.join(', ') || 'none'})`,
        'Call addDashboard(name) first.');
    }
    for (const row of rows) {
      for (const panel of row.prometheus ?? []) this.prometheusUidOf(panel.workspace, `${row.title} / ${panel.title}`);
      if (row.athena?.length && !this.logArchive) {
        throw invalid(this.node.path, 'athena', row.athena.map((p) => p.title), 'Athena panels query the log archive, and none was given',
          'Give logArchive to the ManagedGrafana, or drop the athena panels.');
      }
    }
    dashboard.rows.push(...rows);
  }

  /** A dashboard's Grafana JSON model, as a string CloudFormation resolves (tokens included). */
  public dashboardJson(name: string): string {
    if (!this.dashboards.has(name)) this.addDashboardRows(name, []); // throws the unknown-name error
    return Lazy.string({ produce: () => Stack.of(this).toJsonString(this.model(name)) });
  }

  /** The import manifest (data sources and dashboards) as JSON that CloudFormation resolves. */
  public get importManifestJson(): string {
    return Lazy.string({ produce: () => Stack.of(this).toJsonString(this.manifest()) });
  }

  private prometheusUidOf(workspace: aps.CfnWorkspace, panel: string): string {
    const index = this.workspaces.indexOf(workspace);
    if (index < 0) {
      throw invalid(this.node.path, 'prometheus panel', panel, `its workspace ${workspace.node.path} is not one of this Grafana's Prometheus data sources`,
        'Give the workspace in prometheusWorkspaces, or call addPrometheusWorkspace(workspace) first.');
    }
    return prometheusUid(index);
  }

  private model(name: string): Record<string, unknown> {
    const dashboard = this.dashboards.get(name)!;
    // Grafana uids: at most 40 of [a-zA-Z0-9-_]; stable per construct path and name.
    const hash = createHash('sha256').update(this.node.path).digest('hex').slice(0, 8);
    return dashboardModel({
      uid: `ctt-${hash}-${name}`,
      title: dashboard.title,
      rows: dashboard.rows,
      prometheusUidOf: (workspace) => this.prometheusUidOf(workspace, name),
    });
  }

  /** What the importer provisions; the workspace id and endpoint come from the stack, not from here. */
  private manifest(): Record<string, unknown> {
    const region = Stack.of(this).region;
    const archive = this.logArchive;
    const dataSources: Record<string, unknown>[] = [
      // 'ec2_iam_role' is the workspace IAM role in Amazon Managed Grafana.
      { uid: CLOUDWATCH_UID, name: 'CloudWatch', type: 'cloudwatch', access: 'proxy', jsonData: { authType: 'ec2_iam_role', defaultRegion: region } },
      ...this.workspaces.map((ws, i) => ({
        uid: prometheusUid(i),
        name: `Prometheus ${ws.node.path}`.slice(0, 190),
        type: 'prometheus',
        access: 'proxy',
        url: ws.attrPrometheusEndpoint,
        jsonData: { httpMethod: 'POST', sigV4Auth: true, sigV4AuthType: 'ec2_iam_role', sigV4Region: Stack.of(ws).region },
      })),
      ...(archive ? [{
        uid: ATHENA_UID,
        name: 'Athena (log archive)',
        type: ATHENA_PLUGIN,
        access: 'proxy',
        // No outputLocation: the archive's workgroup enforces its own results location and encryption.
        jsonData: { authType: 'ec2_iam_role', defaultRegion: region, catalog: 'AwsDataCatalog', database: archive.glueDatabaseName, workgroup: archive.workGroupName },
      }] : []),
    ];
    return {
      format: 'cdk-three-tier/grafana@1',
      plugins: archive ? [ATHENA_PLUGIN] : [],
      dataSources,
      dashboards: this.dashboardNames.map((name) => ({ name, model: this.model(name) })),
    };
  }

  private manifestHash(): string {
    return createHash('sha256').update(JSON.stringify(Stack.of(this).resolve(this.manifest()))).digest('hex').slice(0, 12);
  }

  /** CloudWatch (metrics, alarms, Logs Insights) always; SNS and the archive when given. */
  private grantSources(props: ManagedGrafanaProps): void {
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        sid: 'CloudWatchMetricsRead',
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarmsForMetric'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsRead',
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: [stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
      new iam.PolicyStatement({
        sid: 'LogsInsightsQuery',
        actions: ['logs:DescribeLogGroups', 'logs:GetLogGroupFields', 'logs:StartQuery'],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
      new iam.PolicyStatement({
        sid: 'LogsInsightsResults',
        actions: ['logs:GetQueryResults', 'logs:StopQuery'],
        resources: ['*'],
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    props.alarmTopic?.grantPublish(this.role);
    if (props.logArchive) {
      // Athena on the workgroup, Glue reads of the database and its tables, reads of the logs,
      // read/write of the results location (and KMS when the archive uses it).
      props.logArchive.grantQuery(this.role);
      // The query editor lists the tables and columns of the data source's database.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'AthenaQueryEditorMetadata',
        actions: ['athena:GetDataCatalog', 'athena:ListTableMetadata', 'athena:GetTableMetadata'],
        resources: [stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' })],
      }));
    }
  }

  /** Each wildcard of the role's policy, acknowledged with the reason of the statement it is in. */
  private acknowledgeRoleFindings(): void {
    const policy = this.role.node.findChild('DefaultPolicy') as iam.Policy;
    const document = Stack.of(this).resolve(policy.document) as { Statement: any[] };
    const reasons = new Map<string, Set<string>>();
    const add = (finding: string, reason: string) => reasons.set(finding, (reasons.get(finding) ?? new Set()).add(reason));
    for (const st of document.Statement) {
      const actions: string[] = [].concat(st.Action);
      const reason = wildcardReason(st.Sid, actions[0].split(':')[0]);
      for (const a of actions) if (a.includes('*')) add(`Action::${a}`, reason);
      for (const r of [].concat(st.Resource ?? [])) {
        const text = nagResourceText(this, r);
        if (text.includes('*')) add(`Resource::${text}`, reason);
      }
    }
    acknowledge(policy, [
      ...[...reasons].map(([finding, why]) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: [...why].join(' ') })),
      ...inCompliancePacks('IAMNoInlinePolicy', 'The Grafana workspace role\'s policy is written here, read-only on exactly the configured data sources.'),
    ]);
  }
}

function wildcardReason(sid: string | undefined, service: string): string {
  switch (sid) {
    case 'CloudWatchMetricsRead':
      return 'cloudwatch:GetMetricData, ListMetrics and DescribeAlarmsForMetric have no resource-level permissions (Grafana reads any namespace the dashboards name, CloudFront and WAF in us-east-1 too).';
    case 'CloudWatchAlarmsRead':
      return 'Grafana reads the alarms of this account and Region by name; read-only.';
    case 'LogsInsightsQuery':
      return 'Logs Insights queries over the log groups of this account and Region; read-only.';
    case 'LogsInsightsResults':
      return 'logs:GetQueryResults and logs:StopQuery have no resource-level permissions; they act on the query ids Grafana started.';
    default:
      return ['athena', 'glue', 's3', 'kms'].includes(service)
        ? 'Athena over the log archive (ILogArchive.grantQuery): Glue tables of the archive\'s database, objects under its log prefix, the results location; CDK\'s read grants name read-only actions with wildcards.'
        : `Granted for the ${service} data source of the Grafana workspace.`;
  }
}
