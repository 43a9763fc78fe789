import { Aws, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { foldToAscii, shortHash } from '../private/cfn-text';
import { checkRange, invalid, literalNumber } from '../private/validate';

/** Settings of one alarm. */
export interface AlarmOptions {
  /**
   * Whether to create the alarm.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Threshold, in the unit the alarm documents.
   * @default - the documented default of each alarm
   */
  readonly threshold?: number;

  /**
   * Consecutive one-minute periods that must breach.
   * @default - the documented default of each alarm (3, or 5 for running tasks)
   */
  readonly evaluationPeriods?: number;
}

/**
 * The golden-signal alarms of a service. Each alarm can be tuned or switched off.
 */
export interface ServiceAlarmsOptions {
  /**
   * Share of requests answered with a 5xx by the targets, in percent, per minute.
   * @default threshold 5, 3 periods
   */
  readonly serverErrorRate?: AlarmOptions;

  /**
   * p99 of the target response time, in milliseconds, per minute.
   * @default threshold 2000, 3 periods
   */
  readonly p99Latency?: AlarmOptions;

  /**
   * Unhealthy targets (maximum per minute).
   * @default threshold 1, 3 periods
   */
  readonly unhealthyHosts?: AlarmOptions;

  /**
   * Average CPU utilization of the service, in percent.
   * @default threshold 85, 3 periods
   */
  readonly cpu?: AlarmOptions;

  /**
   * Average memory utilization of the service, in percent.
   * @default threshold 85, 3 periods
   */
  readonly memory?: AlarmOptions;

  /**
   * How many tasks the service runs below its desired count (Container Insights metrics).
   * @default threshold 1, 5 periods
   */
  readonly runningTasks?: AlarmOptions;
}

/** The alarm metrics, built by the service's metric methods. */
export interface AlarmMetrics {
  readonly serverErrorRate: cloudwatch.IMetric;
  readonly p99Latency: cloudwatch.IMetric;
  readonly unhealthyHosts: cloudwatch.IMetric;
  readonly cpu: cloudwatch.IMetric;
  readonly memory: cloudwatch.IMetric;
  readonly tasksBelowDesired: cloudwatch.IMetric;
}

/** The alarms created, by signal; absent when disabled. */
export interface CreatedAlarms {
  readonly serverErrorRate?: cloudwatch.Alarm;
  readonly p99Latency?: cloudwatch.Alarm;
  readonly unhealthyHosts?: cloudwatch.Alarm;
  readonly cpu?: cloudwatch.Alarm;
  readonly memory?: cloudwatch.Alarm;
  readonly runningTasks?: cloudwatch.Alarm;
}

interface Spec {
  readonly key: keyof CreatedAlarms;
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly periods: number;
  readonly description: string;
  /** What the threshold counts, which decides the values that make sense. */
  readonly unit: 'percent' | 'count' | 'milliseconds';
}

/** The thresholds that can ever be crossed and cleared (the alarms compare with >=). */
const THRESHOLD_RULES = {
  percent: { ok: (t: number) => t > 0 && t <= 100, rule: 'a percentage threshold must be above 0 and at most 100 (0 would keep the alarm in ALARM)' },
  count: { ok: (t: number) => Number.isInteger(t) && t >= 1, rule: 'a count threshold must be a whole number of at least 1 (0 would keep the alarm in ALARM)' },
  milliseconds: { ok: (t: number) => t > 0, rule: 'a latency threshold must be above 0 milliseconds' },
};

/** One-minute periods: CloudWatch evaluates at most one day (period x evaluation periods <= 86400 s). */
const MAX_EVALUATION_PERIODS = 1440;

/**
 * Create the alarms. Names are fixed strings built from the stack name and construct path, not
 * from resource attributes: the ECS service lists them as deployment alarms, and a name that
 * referenced the service would make a dependency cycle.
 */
export function createServiceAlarms(scope: Construct, namePrefix: string, metrics: AlarmMetrics, options: ServiceAlarmsOptions = {}): CreatedAlarms {
  const specs: Spec[] = [
    { key: 'serverErrorRate', id: 'ServerErrorRate', metric: metrics.serverErrorRate, threshold: 5, periods: 3, description: 'Target 5xx responses above {t}% of requests', unit: 'percent' },
    { key: 'p99Latency', id: 'P99Latency', metric: metrics.p99Latency, threshold: 2000, periods: 3, description: 'p99 target response time above {t} ms', unit: 'milliseconds' },
    { key: 'unhealthyHosts', id: 'UnhealthyHosts', metric: metrics.unhealthyHosts, threshold: 1, periods: 3, description: 'At least {t} unhealthy target(s)', unit: 'count' },
    { key: 'cpu', id: 'Cpu', metric: metrics.cpu, threshold: 85, periods: 3, description: 'Service CPU above {t}%', unit: 'percent' },
    { key: 'memory', id: 'Memory', metric: metrics.memory, threshold: 85, periods: 3, description: 'Service memory above {t}%', unit: 'percent' },
    { key: 'runningTasks', id: 'RunningTasks', metric: metrics.tasksBelowDesired, threshold: 1, periods: 5, description: 'At least {t} task(s) below the desired count', unit: 'count' },
  ];
  const created: Record<string, cloudwatch.Alarm> = {};
  for (const spec of specs) {
    const opts = options[spec.key] ?? {};
    if (opts.enabled === false) continue;
    const threshold = opts.threshold ?? spec.threshold;
    const periods = opts.evaluationPeriods ?? spec.periods;
    const thresholdRule = THRESHOLD_RULES[spec.unit];
    const literal = literalNumber(threshold);
    if (literal !== undefined && !(Number.isFinite(literal) && thresholdRule.ok(literal))) {
      throw invalid(scope.node.path, `alarms.${spec.key}.threshold`, threshold, thresholdRule.rule,
        `Give another threshold, or switch the alarm off with alarms.${spec.key}.enabled: false.`);
    }
    checkRange(scope.node.path, `alarms.${spec.key}.evaluationPeriods`, periods, 1, MAX_EVALUATION_PERIODS,
      'one-minute evaluation periods (CloudWatch evaluates at most one day)', { integer: true });
    created[spec.key] = new cloudwatch.Alarm(scope, `${spec.id}Alarm`, {
      alarmName: `${namePrefix}-${spec.id}`,
      alarmDescription: spec.description.replace('{t}', String(threshold)),
      metric: spec.metric,
      threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic or no tasks reporting is not an incident by itself; the running-tasks alarm covers outages.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
  return created as CreatedAlarms;
}

/**
 * `<stack name>-<path>`, keeping the path short enough for CloudWatch's 255-character alarm names.
 * Accents fold to their letter; whenever the path had to change (accents, non-Latin ids, spaces), a
 * hash of the original path keeps two such services apart (alarm names are unique per account and Region).
 */
export function alarmNamePrefix(scope: Construct): string {
  const raw = scope.node.path.split('/').slice(1).join('-');
  const kept = foldToAscii(raw).replace(/[^A-Za-z0-9_.-]/g, '');
  const path = kept === raw ? kept.slice(-100) : [kept.slice(-91), shortHash(raw)].filter((p) => p).join('-');
  return `${Aws.STACK_NAME}-${path}`;
}
