import { AppTier } from './app-tier';
import { DataTier } from './data-tier';
import type { GrafanaDashboardRow, GrafanaMetricsPanel } from './grafana-panels';
import { cloudFrontMetric, minute, wafMetric } from './metrics';
import { SystemAlarms } from './observe';
import { WebTier } from './web-tier';
import { ValkeyCache } from '../valkey-cache';

/**
 * The system dashboard's rows for Grafana, from the metrics the CloudWatch system dashboard draws
 * (observe.ts): edge, load balancer, database and cache. An alarm widget becomes a panel of the
 * alarm's metric. Services add their rows with `ManagedGrafana.serviceRows`.
 */
export function systemGrafanaRows(web: WebTier, app: AppTier, data: DataTier, alarms: SystemAlarms, cache?: ValkeyCache): GrafanaDashboardRow[] {
  const edge: GrafanaMetricsPanel[] = [
    { title: 'CloudFront requests', metrics: [cloudFrontMetric(web, 'Requests', 'Sum')] },
    {
      title: 'CloudFront error rate',
      metrics: [cloudFrontMetric(web, '4xxErrorRate', 'Average'), cloudFrontMetric(web, '5xxErrorRate', 'Average')],
      unit: 'percent',
    },
  ];
  if (web.webAcl) {
    edge.push({ title: 'WAF requests', metrics: [wafMetric(web.webAcl.webAclName, 'AllowedRequests'), wafMetric(web.webAcl.webAclName, 'BlockedRequests')] });
  }
  const lb = app.loadBalancer.metrics;
  const display = data._display;
  const rows: GrafanaDashboardRow[] = [
    { title: 'Edge: CloudFront and WAF', metrics: edge },
    {
      title: 'Load balancer',
      metrics: [
        { title: 'Load balancer requests', metrics: [lb.requestCount({ period: minute })] },
        { title: 'Load balancer 5xx (alarm metric)', metrics: [alarms.loadBalancer5xx.metric] },
        { title: 'Target response time p99', metrics: [lb.targetResponseTime({ period: minute, statistic: 'p99' })], unit: 's' },
      ],
    },
    {
      title: display.title,
      metrics: [
        { title: `${display.title}: capacity`, metrics: [data.metricCapacity()] },
        { title: 'Database saturation (alarm metric)', metrics: [alarms.databaseSaturation.metric] },
        { title: display.activityTitle, metrics: [data.metricActivity()] },
      ],
    },
  ];
  if (cache) {
    rows.push({
      title: `Cache (valkey ${cache.serverless ? 'serverless' : 'nodes'})`,
      metrics: [
        { title: 'Cache bytes used', metrics: [cache.metricBytesUsed()], unit: 'bytes' },
        { title: cache.serverless ? 'Cache ECPUs' : 'Cache engine CPU', metrics: [cache.metricLoad()], unit: cache.serverless ? 'short' : 'percent' },
        { title: 'Cache hits, misses, evictions', metrics: [cache.metricHits(), cache.metricMisses(), cache.metricEvictions()] },
      ],
    });
  }
  return rows;
}
