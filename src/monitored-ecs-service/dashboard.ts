import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** What the dashboards read from a service (its metric methods). */
export interface DashboardSource {
  metricRequestCount(): cloudwatch.IMetric;
  metricServerErrors(): cloudwatch.IMetric;
  metricClientErrors(): cloudwatch.IMetric;
  metricTargetResponseTime(options?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  metricHealthyHosts(): cloudwatch.IMetric;
  metricUnhealthyHosts(): cloudwatch.IMetric;
  metricCpuUtilization(): cloudwatch.IMetric;
  metricMemoryUtilization(): cloudwatch.IMetric;
  metricRunningTasks(): cloudwatch.IMetric;
  metricDesiredTasks(): cloudwatch.IMetric;
}

/**
 * The service's rows: traffic, errors, latency percentiles, hosts, CPU, memory, tasks, alarms.
 * On a dashboard shared with other services, a heading and title prefix say whose rows they are.
 */
export function drawServiceRows(dashboard: cloudwatch.Dashboard, source: DashboardSource, alarms: cloudwatch.IAlarm[], heading?: string,
  alternate?: elbv2.ApplicationTargetGroup): void {
  const prefix = heading ? `${heading}: ` : '';
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
    new cloudwatch.GraphWidget({ title: prefix + title, left, right, width: 8, height: 6 });
  if (heading) dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${heading}`, width: 24, height: 1 }));
  dashboard.addWidgets(
    graph('Requests and errors', [source.metricRequestCount()], [source.metricClientErrors(), source.metricServerErrors()]),
    graph('Target response time (s)', ['p50', 'p90', 'p99'].map((statistic) =>
      source.metricTargetResponseTime({ statistic, label: statistic }))),
    graph('Healthy / unhealthy hosts', [source.metricHealthyHosts(), source.metricUnhealthyHosts()]),
  );
  if (alternate) {
    // Blue/green, canary and linear: traffic moves to the other target group and back, deployment by deployment.
    const period = Duration.minutes(1);
    dashboard.addWidgets(
      graph('Alternate target group: requests and 5xx', [alternate.metrics.requestCount({ period })],
        [alternate.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period })]),
      graph('Alternate target group: response time (s)', [alternate.metrics.targetResponseTime({ period, statistic: 'p99', label: 'p99' })]),
      graph('Alternate target group: healthy / unhealthy hosts', [alternate.metrics.healthyHostCount({ period, statistic: 'Minimum' }),
        alternate.metrics.unhealthyHostCount({ period, statistic: 'Maximum' })]),
    );
  }
  dashboard.addWidgets(
    graph('CPU utilization (%)', [source.metricCpuUtilization()]),
    graph('Memory utilization (%)', [source.metricMemoryUtilization()]),
    graph('Running vs desired tasks', [source.metricRunningTasks(), source.metricDesiredTasks()]),
  );
  if (alarms.length > 0) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: `${prefix}Alarms`, alarms, width: 24, height: 3 }));
  }
}

interface GrafanaTarget {
  readonly refId: string;
  readonly [key: string]: unknown;
}

/** The Grafana dashboard model: CloudWatch panels, plus Prometheus panels when scraping is on. */
export function grafanaDashboardModel(scope: Construct, source: DashboardSource, withPrometheus: boolean): Record<string, unknown> {
  const region = Stack.of(scope).region;
  const cw = (metric: cloudwatch.IMetric, refId: string, stat?: string): GrafanaTarget => {
    const config = metric.toMetricConfig().metricStat!;
    const dimensions: Record<string, string> = {};
    for (const d of config.dimensions ?? []) dimensions[d.name] = d.value as string;
    return {
      refId,
      region,
      namespace: config.namespace,
      metricName: config.metricName,
      dimensions,
      statistic: stat ?? config.statistic,
      period: String(config.period.toSeconds()),
      datasource: { type: 'cloudwatch', uid: '${cloudwatch}' },
    };
  };
  let id = 0;
  const panel = (title: string, targets: GrafanaTarget[], x: number, y: number, unit = 'short') => ({
    id: ++id,
    title,
    type: 'timeseries',
    gridPos: { h: 8, w: 8, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets,
  });
  const panels: unknown[] = [
    panel('Requests and errors', [cw(source.metricRequestCount(), 'A'), cw(source.metricClientErrors(), 'B'), cw(source.metricServerErrors(), 'C')], 0, 0),
    panel('Target response time', ['p50', 'p90', 'p99'].map((s, i) => cw(source.metricTargetResponseTime(), 'ABC'[i], s)), 8, 0, 's'),
    panel('Healthy / unhealthy hosts', [cw(source.metricHealthyHosts(), 'A'), cw(source.metricUnhealthyHosts(), 'B')], 16, 0),
    panel('CPU utilization', [cw(source.metricCpuUtilization(), 'A')], 0, 8, 'percent'),
    panel('Memory utilization', [cw(source.metricMemoryUtilization(), 'A')], 8, 8, 'percent'),
    panel('Running vs desired tasks', [cw(source.metricRunningTasks(), 'A'), cw(source.metricDesiredTasks(), 'B')], 16, 8),
  ];
  const templating: unknown[] = [
    { name: 'cloudwatch', type: 'datasource', query: 'cloudwatch', label: 'CloudWatch' },
  ];
  if (withPrometheus) {
    const prom = (expr: string, refId: string) => ({ refId, expr, datasource: { type: 'prometheus', uid: '${prometheus}' } });
    templating.push({ name: 'prometheus', type: 'datasource', query: 'prometheus', label: 'Prometheus (AMP)' });
    panels.push(
      panel('Request rate by status (Prometheus)', [prom('sum by (status) (rate(http_requests_total[5m]))', 'A')], 0, 16, 'reqps'),
      panel('Latency p99 (Prometheus)', [prom('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))', 'A')], 8, 16, 's'),
      panel('Scraped series up (Prometheus)', [prom('up', 'A')], 16, 16),
    );
  }
  return {
    title: scope.node.path,
    uid: undefined,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: templating },
    panels,
  };
}
