import { Token } from 'aws-cdk-lib';
import { SERVICE_DEFAULTS } from './defaults';
import { invalid } from '../private/validate';

/** One target-tracking signal: on with its default target, tuned, or switched off like an alarm. */
export interface ScalingTargetOptions {
  /**
   * Whether to scale on this signal.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The value to hold: a percentage for CPU and memory (1-100), requests per task per minute for requests.
   * @default - 60 (CPU), 70 (memory), 1000 (requests)
   */
  readonly target?: number;
}

/** Target tracking between `minTasks` and `maxTasks`, one policy per signal. */
export interface ScalingOptions {
  /**
   * Average CPU utilization of the tasks.
   * @default - on, 60 %
   */
  readonly cpu?: ScalingTargetOptions;

  /**
   * Average memory utilization of the tasks.
   * @default - on, 70 %
   */
  readonly memory?: ScalingTargetOptions;

  /**
   * Load balancer requests per task per minute.
   * @default - on, 1000
   */
  readonly requests?: ScalingTargetOptions;
}

/** The targets that are on, checked, each with the value to hold. */
export function scalingTargets(path: string, options: ScalingOptions = {}): { cpu?: number; memory?: number; requests?: number } {
  const pick = (name: 'cpu' | 'memory' | 'requests', fallback: number, percent: boolean): number | undefined => {
    const o = options[name] ?? {};
    if (o.enabled === false) return undefined;
    const target = o.target ?? fallback;
    if (!Token.isUnresolved(target)) {
      if (percent && (target < 1 || target > 100)) {
        throw invalid(path, `scaling.${name}.target`, target, 'a target utilization is a percentage from 1 to 100',
          `Give a value from 1 to 100, or switch the signal off with scaling: { ${name}: { enabled: false } }.`);
      }
      if (!percent && target <= 0) {
        throw invalid(path, `scaling.${name}.target`, target, 'a request-count target is a positive number of requests per task per minute',
          `Give a positive target, or switch the signal off with scaling: { ${name}: { enabled: false } }.`);
      }
    }
    return target;
  };
  return {
    cpu: pick('cpu', SERVICE_DEFAULTS.cpuTargetPercent, true),
    memory: pick('memory', SERVICE_DEFAULTS.memoryTargetPercent, true),
    requests: pick('requests', SERVICE_DEFAULTS.requestsPerTarget, false),
  };
}
