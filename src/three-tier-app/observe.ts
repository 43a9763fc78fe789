import { Duration, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cw_actions, aws_elasticloadbalancingv2 as elbv2, aws_sns as sns } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppTier } from './app-tier';
import { DataTier } from './data-tier';
import { cloudFrontMetric, minute, wafMetric } from './metrics';
import { WebTier } from './web-tier';
import { ValkeyCache } from '../valkey-cache';

/** Alarms of the whole system (besides each service's own). */
export interface SystemAlarms {
  /** 5xx answered by the load balancer itself (no healthy target, timeouts), per 5 minutes. */
  readonly loadBalancer5xx: cloudwatch.Alarm;
  /** Database saturation: ACU utilization (Aurora) or throttled requests (DynamoDB). */
  readonly databaseSaturation: cloudwatch.Alarm;
  /** The cache's memory, load (ECPU or engine CPU) and evictions alarms, when there is a cache. */
  readonly cache: cloudwatch.Alarm[];
}

/** One dashboard across tiers: edge (CloudFront, WAF), load balancer, database; each service draws its rows below. */
export function createSystemDashboard(scope: Construct, web: WebTier, app: AppTier, data: DataTier,
  alarms: SystemAlarms, cache?: ValkeyCache): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.hours(3) });
  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `# ${scope.node.path}\nEdge → load balancer → services → database`, width: 24, height: 1 }));
  const edge: cloudwatch.IWidget[] = [
    new cloudwatch.GraphWidget({ title: 'CloudFront requests', left: [cloudFrontMetric(web, 'Requests', 'Sum')], width: 8 }),
    new cloudwatch.GraphWidget({
      title: 'CloudFront error rate (%)',
      left: [cloudFrontMetric(web, '4xxErrorRate', 'Average'), cloudFrontMetric(web, '5xxErrorRate', 'Average')],
      width: 8,
    }),
  ];
  if (web.webAcl) {
    edge.push(new cloudwatch.GraphWidget({
      title: 'WAF requests',
      left: [wafMetric(web.webAcl.webAclName, 'AllowedRequests'), wafMetric(web.webAcl.webAclName, 'BlockedRequests')],
      width: 8,
    }));
  }
  dashboard.addWidgets(...edge);
  const lb = app.loadBalancer.metrics;
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Load balancer requests', left: [lb.requestCount({ period: minute })], width: 8 }),
    new cloudwatch.AlarmWidget({ title: 'Load balancer 5xx', alarm: alarms.loadBalancer5xx, width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Target response time p99 (s)', left: [lb.targetResponseTime({ period: minute, statistic: 'p99' })], width: 8 }),
  );
  dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Services: the 10 highest of each', width: 24, height: 1 }), ...fleetGraphs(app));
  const display = data._display;
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: `${display.title}: capacity`, left: [data.metricCapacity()], width: 8 }),
    new cloudwatch.AlarmWidget({ title: 'Database saturation', alarm: alarms.databaseSaturation, width: 8 }),
    new cloudwatch.GraphWidget({ title: display.activityTitle, left: [data.metricActivity()], width: 8 }),
  );
  if (cache) {
    const kind = cache.serverless ? 'serverless' : 'nodes';
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: `Cache (valkey ${kind}): bytes used`, left: [cache.metricBytesUsed()], width: 8 }),
      new cloudwatch.GraphWidget({ title: cache.serverless ? 'Cache ECPUs' : 'Cache engine CPU (%)', left: [cache.metricLoad()], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Cache hits, misses, evictions', left: [cache.metricHits(), cache.metricMisses(), cache.metricEvictions()], width: 8 }),
    );
  }
  return dashboard;
}

/**
 * Every service of the tier on six graphs, each the 10 highest: SEARCH by the load balancer's or
 * the cluster's name finds the services' series, so the widgets stay the same size however many
 * services there are (a service's own rows grow the dashboard by 8 widgets each).
 */
function fleetGraphs(app: AppTier): cloudwatch.IWidget[] {
  const top = (namespace: string, dimensions: string, metricName: string, filter: string, statistic: string, by: string) =>
    new cloudwatch.MathExpression({
      expression: `SORT(SEARCH('{${namespace},${dimensions}} MetricName="${metricName}" ${filter}', '${statistic}', 60), ${by}, DESC, 10)`,
      usingMetrics: {},
      label: '',
      period: minute,
    });
  const byTargetGroup = (metricName: string, statistic: string, by: string) =>
    top('AWS/ApplicationELB', 'LoadBalancer,TargetGroup', metricName, `LoadBalancer="${app.loadBalancer.loadBalancerFullName}"`, statistic, by);
  const byService = (metricName: string) =>
    top('AWS/ECS', 'ClusterName,ServiceName', metricName, `ClusterName="${app.cluster.clusterName}"`, 'Average', 'MAX');
  const graph = (title: string, metric: cloudwatch.IMetric) =>
    new cloudwatch.GraphWidget({ title, left: [metric], width: 8, height: 6, legendPosition: cloudwatch.LegendPosition.RIGHT });
  return [
    graph('Requests by target group', byTargetGroup('RequestCount', 'Sum', 'SUM')),
    graph('Target 5xx by target group', byTargetGroup('HTTPCode_Target_5XX_Count', 'Sum', 'SUM')),
    graph('Response time p99 by target group (s)', byTargetGroup('TargetResponseTime', 'p99', 'MAX')),
    graph('Unhealthy hosts by target group', byTargetGroup('UnHealthyHostCount', 'Maximum', 'MAX')),
    graph('CPU utilization by service (%)', byService('CPUUtilization')),
    graph('Memory utilization by service (%)', byService('MemoryUtilization')),
  ];
}

/** System alarms, each sending ALARM and OK to the topic. */
export function createSystemAlarms(scope: Construct, app: AppTier, data: DataTier, topic: sns.ITopic, cache?: ValkeyCache): SystemAlarms {
  const action = new cw_actions.SnsAction(topic);
  const loadBalancer5xx = new cloudwatch.Alarm(scope, 'LoadBalancer5xxAlarm', {
    alarmDescription: 'The load balancer itself answered 5xx (no healthy target, target timeouts or resets).',
    metric: app.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 10,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const saturation = data._display.saturationAlarm;
  const databaseSaturation = new cloudwatch.Alarm(scope, 'DatabaseSaturationAlarm', {
    alarmDescription: saturation.description,
    metric: data.metricSaturation({ period: Duration.minutes(5) }),
    threshold: saturation.threshold,
    evaluationPeriods: saturation.evaluationPeriods,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  for (const alarm of [loadBalancer5xx, databaseSaturation]) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return { loadBalancer5xx, databaseSaturation, cache: cache ? cache.addAlarms(topic) : [] };
}
