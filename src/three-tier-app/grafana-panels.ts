import { aws_aps as aps, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';

// What ManagedGrafana's dashboards are made of (plain structs, rendered by grafana-model.ts).

/** A time-series panel of CloudWatch metrics. */
export interface GrafanaMetricsPanel {
  /** The panel's title. */
  readonly title: string;
  /** One query per metric; math expressions become a code-mode query over hidden ones. */
  readonly metrics: cloudwatch.IMetric[];
  /**
   * Grafana unit id, e.g. 'percent', 's', 'reqps', 'bytes'.
   * @default 'short'
   */
  readonly unit?: string;
}

/** A time-series panel of PromQL queries over a Prometheus workspace of the `ManagedGrafana`. */
export interface GrafanaPrometheusPanel {
  /** The panel's title. */
  readonly title: string;
  /** The workspace to query: one given in `prometheusWorkspaces` or to `addPrometheusWorkspace`. */
  readonly workspace: aps.CfnWorkspace;
  /** PromQL expressions, one query each. */
  readonly expressions: string[];
  /**
   * Grafana unit id.
   * @default 'short'
   */
  readonly unit?: string;
}

/** A table of an Athena query over the log archive's tables. */
export interface GrafanaAthenaPanel {
  /** The panel's title. */
  readonly title: string;
  /** SQL over the archive's Glue database (e.g. `alb_access_logs`, `cloudfront_logs`, `vpc_flow_logs`). */
  readonly sql: string;
}

/** A row of a dashboard: a heading, then its CloudWatch, Prometheus and Athena panels in that order. */
export interface GrafanaDashboardRow {
  /** The row's heading. */
  readonly title: string;
  /**
   * CloudWatch panels.
   * @default - no CloudWatch panel
   */
  readonly metrics?: GrafanaMetricsPanel[];
  /**
   * Prometheus panels.
   * @default - no Prometheus panel
   */
  readonly prometheus?: GrafanaPrometheusPanel[];
  /**
   * Athena tables; need `logArchive`.
   * @default - no Athena panel
   */
  readonly athena?: GrafanaAthenaPanel[];
}

/** Options of `ManagedGrafana.addDashboard`. */
export interface GrafanaDashboardOptions {
  /**
   * The dashboard's title.
   * @default - the construct path and the dashboard name
   */
  readonly title?: string;
  /**
   * Rows to start with (more with `addDashboardRows`).
   * @default - no rows until `addDashboardRows`
   */
  readonly rows?: GrafanaDashboardRow[];
}

/** Options of `ManagedGrafana.serviceRows`. */
export interface GrafanaServiceRowsOptions {
  /**
   * Heading of the service's rows.
   * @default - the service's construct id
   */
  readonly heading?: string;
  /**
   * The service's Prometheus workspace, for a row of PromQL panels (request rate by status,
   * p99 latency, scrape health) filtered to the service's scrape job.
   * @default - no Prometheus row
   */
  readonly prometheusWorkspace?: aps.CfnWorkspace;
}
