import { aws_aps as aps, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { GrafanaDashboardRow } from './grafana-panels';

// The Grafana dashboard JSON model (schemaVersion 39, Grafana 10.4) of ManagedGrafana's dashboards,
// and the data sources the importer (tools/grafana-import.mjs) provisions under fixed uids.

/** Metadata key of the import manifest on the workspace resource (read by tools/grafana-import.mjs). */
export const GRAFANA_MANIFEST_KEY = 'cdk-three-tier:grafana';
/** Dashboard JSON schema version written by Grafana 10.4. */
export const SCHEMA_VERSION = 39;
/** The core panel types the dashboards use. */
export const PANEL_TYPES = ['row', 'timeseries', 'table'];
export const CLOUDWATCH_UID = 'cloudwatch';
export const ATHENA_UID = 'athena';
/** The Athena data source is a plugin (installed by the importer), the others are core. */
export const ATHENA_PLUGIN = 'grafana-athena-datasource';

/** The uid of the n-th Prometheus workspace's data source: `prometheus`, then `prometheus-2`, `prometheus-3`, ... */
export function prometheusUid(index: number): string {
  return index === 0 ? 'prometheus' : `prometheus-${index + 1}`;
}

/** SQL of the log panels, over the tables every log archive (and each system share) defines. */
export const LOG_QUERIES = {
  alb5xxByTarget: `SELECT target_ip, target_port, count(*) AS errors_5xx,
  count_if(target_status_code = '-') AS no_target_answer
FROM alb_access_logs
WHERE day >= date_format(current_date - interval '1' day, '%Y/%m/%d') AND elb_status_code >= 500
GROUP BY 1, 2 ORDER BY errors_5xx DESC LIMIT 25`,
  albSlowestTargets: `SELECT target_ip, target_port, count(*) AS requests,
  approx_percentile(target_processing_time, 0.99) AS p99_seconds
FROM alb_access_logs
WHERE day >= date_format(current_date - interval '1' day, '%Y/%m/%d') AND target_processing_time >= 0
GROUP BY 1, 2 ORDER BY p99_seconds DESC LIMIT 25`,
  vpcRejectedFlows: `SELECT srcaddr, dstaddr, dstport, protocol, count(*) AS flows
FROM vpc_flow_logs
WHERE year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m')
  AND day = date_format(current_date, '%d') AND action = 'REJECT'
GROUP BY 1, 2, 3, 4 ORDER BY flows DESC LIMIT 25`,
};

interface DataSourceRef {
  readonly type: string;
  readonly uid: string;
}

interface Target {
  refId: string;
  [key: string]: unknown;
}

const CLOUDWATCH: DataSourceRef = { type: 'cloudwatch', uid: CLOUDWATCH_UID };
const ATHENA: DataSourceRef = { type: ATHENA_PLUGIN, uid: ATHENA_UID };
const FULL_WIDTH = 24;
const HEIGHT = 8;

export interface ModelInput {
  readonly uid: string;
  readonly title: string;
  readonly rows: GrafanaDashboardRow[];
  /** The data source uid of a registered workspace (throws for others). */
  readonly prometheusUidOf: (workspace: aps.CfnWorkspace) => string;
}

/** One dashboard: a row panel per row, its panels laid out three (tables: one) to a line. */
export function dashboardModel(input: ModelInput): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 0;
  let y = 0;
  for (const row of input.rows) {
    panels.push({ id: ++id, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: FULL_WIDTH, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    const place = (width: number) => {
      if (x + width > FULL_WIDTH) {
        x = 0;
        y += HEIGHT;
      }
      const gridPos = { h: HEIGHT, w: width, x, y };
      x += width;
      return gridPos;
    };
    for (const p of row.metrics ?? []) {
      const next = refIds();
      const targets = p.metrics.flatMap((m) => cloudWatchTargets(m, next));
      panels.push(timeSeries(++id, p.title, CLOUDWATCH, targets, place(8), p.unit));
    }
    for (const p of row.prometheus ?? []) {
      const ds: DataSourceRef = { type: 'prometheus', uid: input.prometheusUidOf(p.workspace) };
      const next = refIds();
      const targets = p.expressions.map((expr) => ({ refId: next(), datasource: ds, expr, range: true, editorMode: 'code', legendFormat: '__auto' }));
      panels.push(timeSeries(++id, p.title, ds, targets, place(8), p.unit));
    }
    for (const p of row.athena ?? []) {
      panels.push({
        id: ++id,
        type: 'table',
        title: p.title,
        datasource: ATHENA,
        gridPos: place(FULL_WIDTH),
        fieldConfig: { defaults: {}, overrides: [] },
        options: { showHeader: true, cellHeight: 'sm' },
        // Format 1 is a table. No connectionArgs: the query runs in the data source's region,
        // catalog, database and workgroup (the archive's).
        targets: [{ refId: 'A', datasource: ATHENA, rawSQL: p.sql, format: 1 }],
      });
    }
    if (x > 0) y += HEIGHT;
  }
  return {
    uid: input.uid,
    title: input.title,
    tags: ['cdk-three-tier'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    // Athena bills per query: a dashboard with log tables refreshes only when asked.
    refresh: input.rows.some((r) => r.athena?.length) ? '' : '5m',
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}

function timeSeries(id: number, title: string, datasource: DataSourceRef, targets: Target[],
  gridPos: Record<string, number>, unit = 'short'): Record<string, unknown> {
  return {
    id,
    type: 'timeseries',
    title,
    datasource,
    gridPos,
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets,
  };
}

/** A, B, ..., Z, AA, AB, ... : Grafana's refIds, unique within a panel. */
function refIds(): () => string {
  let n = 0;
  return () => {
    let i = n++;
    let s = '';
    do {
      s = String.fromCharCode(65 + (i % 26)) + s;
      i = Math.floor(i / 26) - 1;
    } while (i >= 0);
    return s;
  };
}

/**
 * CloudWatch queries of one metric: a metric search query, or for math (and search) expressions
 * the expression in code mode plus one hidden query per metric it uses, under the expression's id.
 */
function cloudWatchTargets(metric: cloudwatch.IMetric, next: () => string): Target[] {
  const config = metric.toMetricConfig();
  const label = config.renderingProperties?.label as string | undefined;
  const stat = config.metricStat;
  if (stat) {
    const dimensions: Record<string, string> = {};
    for (const d of stat.dimensions ?? []) dimensions[d.name] = String(d.value);
    return [{
      refId: next(),
      datasource: CLOUDWATCH,
      queryMode: 'Metrics',
      metricQueryType: 0, // metric search
      metricEditorMode: 0, // builder
      // CloudFront and WAF publish in us-east-1; a metric without a Region is the data source's.
      region: stat.region ?? 'default',
      namespace: stat.namespace,
      metricName: stat.metricName,
      dimensions,
      matchExact: true,
      statistic: stat.statistic,
      period: String(stat.period.toSeconds()),
      id: '',
      expression: '',
      label: label ?? '',
      hide: false,
    }];
  }
  const expression = config.mathExpression ?? config.searchExpression!;
  const hidden = Object.entries(expression.usingMetrics).flatMap(([usedId, used]) => {
    const targets = cloudWatchTargets(used, next);
    targets[targets.length - 1].id = usedId;
    return targets.map((t) => ({ ...t, hide: true }));
  });
  return [...hidden, {
    refId: next(),
    datasource: CLOUDWATCH,
    queryMode: 'Metrics',
    metricQueryType: 0,
    metricEditorMode: 1, // code: a metric math (or SEARCH) expression over the hidden queries' ids
    region: expression.searchRegion ?? 'default',
    id: '',
    expression: expression.expression,
    period: String(expression.period),
    label: label ?? '',
    hide: false,
  }];
}
