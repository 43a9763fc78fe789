import { Duration, Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { validCodeList } from './load-balancing-rules';
import { checkRange, invalid, literalNumber, literalSeconds, literalString } from '../private/validate';

/** A path the deployment hook requests through the test listener rule before production traffic shifts. */
export interface SmokeTestPath {
  /** Path (and query) to GET; must start with `/` and be one the service's listener rule routes. */
  readonly path: string;
  /**
   * The status that passes: a code (`'200'`), a range (`'200-299'`) or a list (`'200,204'`).
   * @default '200'
   */
  readonly expectedStatus?: string;
}

/** Options of a header-matched test listener rule. */
export interface TestTrafficHeaderOptions {
  /**
   * Name of the header that sends a request to the new revision.
   * @default 'x-deployment-test'
   */
  readonly name?: string;
  /**
   * Value the header must have. It is in the template, so it is not a secret: test traffic is
   * for checks, not a security boundary (use a test port on an internal load balancer for that).
   * @default - a value derived from the service's construct path
   */
  readonly value?: string;
  /**
   * Priority of the test rule; it must come before (be lower than) the production rule's.
   * @default - the production rule's priority minus 1 on a shared listener; 1 on the service's own load balancer
   */
  readonly priority?: number;
}

/** How test traffic reaches the new revision during a blue/green, canary or linear deployment. */
export abstract class TestTraffic {
  /** A rule on the production listener that matches the service's routes plus a header. */
  public static header(options: TestTrafficHeaderOptions = {}): TestTraffic {
    return new HeaderTestTraffic(options);
  }

  /**
   * A listener on another port of the same, internal, load balancer (e.g. 9080), which admits
   * only the deployment hook; services sharing a listener share the test listener of a port.
   */
  public static port(port: number): TestTraffic {
    return new PortTestTraffic(port);
  }

  /** @internal */
  public abstract readonly _kind: 'header' | 'port';
  /** @internal */
  public abstract _validate(path: string): void;
}

/** A test rule on the production listener (not exported from the package). */
export class HeaderTestTraffic extends TestTraffic {
  public readonly _kind = 'header';
  constructor(public readonly options: TestTrafficHeaderOptions) { super(); }

  public _validate(path: string): void {
    const name = literalString(this.options.name);
    if (name !== undefined && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/.test(name)) {
      throw invalid(path, 'deployment.testTraffic.name', name, 'a listener rule matches a header name of 1-40 token characters (letters, digits, -, _ ...)',
        "Use a name like 'x-deployment-test'.");
    }
    const value = literalString(this.options.value);
    if (value !== undefined && (value.length < 1 || value.length > 128 || /[*?]/.test(value))) {
      throw invalid(path, 'deployment.testTraffic.value', value, 'a header condition value has 1-128 characters, and * or ? would make it a wildcard',
        'Give a literal value without * or ?.');
    }
    checkRange(path, 'deployment.testTraffic.priority', this.options.priority, 1, 50000, 'a listener rule priority', { integer: true });
  }
}

/** A test listener on its own port (not exported from the package). */
export class PortTestTraffic extends TestTraffic {
  public readonly _kind = 'port';
  constructor(public readonly port: number) { super(); }

  public _validate(path: string): void {
    checkRange(path, 'deployment.testTraffic.port', this.port, 1, 65535, 'a listener port', { integer: true });
  }
}

/** Options every blue/green, canary and linear deployment has. */
export interface ProgressiveDeploymentOptions {
  /**
   * How long the old revision keeps running after all production traffic is on the new one, so
   * that a rollback (an alarm) is a traffic shift back rather than a redeploy. 0 to 1440 minutes.
   * @default Duration.minutes(10)
   */
  readonly bakeTime?: Duration;
  /**
   * How test traffic reaches the new revision: the deployment hook's smoke tests go this way.
   * @default TestTraffic.header()
   */
  readonly testTraffic?: TestTraffic;
  /**
   * Paths the deployment hook requests through the test rule, each with the status that passes;
   * any failure rolls the deployment back before production traffic moves.
   * @default - the health check path, passing on the health check's success codes
   */
  readonly smokeTests?: SmokeTestPath[];
  /**
   * Host the smoke tests send (Host header; with HTTPS also the name the certificate must carry).
   * @default - the service's first host header if it routes by host; else none (HTTPS: the chain is verified, not the name)
   */
  readonly smokeTestHost?: string;
  /**
   * PEM of the CA that issued the load balancer's certificate, when it is private (ACM Private CA):
   * the hook trusts it besides the public roots.
   * @default - public roots only
   */
  readonly smokeTestCa?: string;
}

/** A canary deployment: a share of production traffic first, the rest after a wait. */
export interface CanaryDeploymentOptions extends ProgressiveDeploymentOptions {
  /**
   * Share of production traffic the new revision gets first, 0.1 to 100 percent.
   * @default 10
   */
  readonly canaryPercent?: number;
  /**
   * How long the canary share runs before the rest of the traffic shifts (0 to 1440 minutes).
   * @default Duration.minutes(10)
   */
  readonly canaryBakeTime?: Duration;
}

/** A linear deployment: production traffic shifts in equal steps. */
export interface LinearDeploymentOptions extends ProgressiveDeploymentOptions {
  /**
   * Share of production traffic each step moves, 3 to 100 percent.
   * @default 25
   */
  readonly stepPercent?: number;
  /**
   * Wait between steps (0 to 1440 minutes).
   * @default Duration.minutes(5)
   */
  readonly stepBakeTime?: Duration;
}

/** What a deployment choice sets on the ECS service. */
export interface DeploymentServiceProps {
  readonly deploymentStrategy?: ecs.DeploymentStrategy;
  readonly bakeTime?: Duration;
  readonly canaryConfiguration?: ecs.TrafficShiftConfig;
  readonly linearConfiguration?: ecs.TrafficShiftConfig;
}

/** CloudFormation rejects a deployment configuration that would take longer than this (API_DeploymentConfiguration). */
const MAX_DEPLOYMENT_MINUTES = 33 * 60;

/**
 * How a new revision of the service replaces the running one. Rolling is the default; blue/green,
 * canary and linear use ECS's native deployment controller with a second target group, a test
 * listener rule and a hook that smoke-tests the new revision before production traffic moves.
 */
export abstract class ServiceDeployment {
  /** Tasks replaced in batches at full capacity; the circuit breaker and the alarms roll back. */
  public static rolling(): ServiceDeployment {
    return new Rolling();
  }

  /** A full new fleet behind the alternate target group, smoke-tested, then all production traffic at once. */
  public static blueGreen(options: ProgressiveDeploymentOptions = {}): ServiceDeployment {
    return new Progressive(ecs.DeploymentStrategy.BLUE_GREEN, options, 0);
  }

  /** A share of production traffic to the new revision first, then the rest after `canaryBakeTime`. */
  public static canary(options: CanaryDeploymentOptions = {}): ServiceDeployment {
    const canaryBake = options.canaryBakeTime ?? Duration.minutes(10);
    return new Progressive(ecs.DeploymentStrategy.CANARY, options, literalMinutes(canaryBake), {
      canaryConfiguration: { stepPercent: options.canaryPercent ?? 10, stepBakeTime: canaryBake },
    });
  }

  /** Production traffic moved in equal steps of `stepPercent`, `stepBakeTime` apart. */
  public static linear(options: LinearDeploymentOptions = {}): ServiceDeployment {
    const stepBake = options.stepBakeTime ?? Duration.minutes(5);
    const step = options.stepPercent ?? 25;
    // ECS waits between steps: one wait fewer than steps.
    const steps = Token.isUnresolved(step) ? 0 : Math.ceil(100 / step) - 1;
    const stepMinutes = literalMinutes(stepBake);
    return new Progressive(ecs.DeploymentStrategy.LINEAR, options, stepMinutes === undefined ? undefined : steps * stepMinutes, {
      linearConfiguration: { stepPercent: step, stepBakeTime: stepBake },
    });
  }

  /** @internal The strategy ECS runs. */
  public abstract readonly _strategy: ecs.DeploymentStrategy;
  /** @internal Options of a non-rolling deployment. */
  public abstract readonly _progressive?: ProgressiveDeploymentOptions;
  /** @internal */
  public abstract _validate(path: string): void;
  /** @internal What the choice sets on the FargateService. */
  public abstract _serviceProps(): DeploymentServiceProps;
}

class Rolling extends ServiceDeployment {
  public readonly _strategy = ecs.DeploymentStrategy.ROLLING;
  public readonly _progressive = undefined;
  public _validate(): void { /* nothing to check */ }
  public _serviceProps(): DeploymentServiceProps {
    // No Strategy key: a rolling service's template stays as it was before the choice existed.
    return {};
  }
}

class Progressive extends ServiceDeployment {
  constructor(
    public readonly _strategy: ecs.DeploymentStrategy,
    public readonly _progressive: ProgressiveDeploymentOptions,
    private readonly shiftMinutes: number | undefined,
    private readonly shift: Pick<DeploymentServiceProps, 'canaryConfiguration' | 'linearConfiguration'> = {},
  ) { super(); }

  public _validate(path: string): void {
    const o = this._progressive as CanaryDeploymentOptions & LinearDeploymentOptions;
    checkMinutes(path, 'deployment.bakeTime', o.bakeTime);
    checkMinutes(path, 'deployment.canaryBakeTime', o.canaryBakeTime);
    checkMinutes(path, 'deployment.stepBakeTime', o.stepBakeTime);
    checkRange(path, 'deployment.canaryPercent', o.canaryPercent, 0.1, 100, 'a canary share in percent');
    const canary = literalNumber(o.canaryPercent);
    if (canary !== undefined && Math.round(canary * 10) !== canary * 10) {
      throw invalid(path, 'deployment.canaryPercent', canary, 'ECS takes a canary share in steps of 0.1 percent', `Give ${Math.round(canary * 10) / 10}.`);
    }
    checkRange(path, 'deployment.stepPercent', o.stepPercent, 3, 100, 'a linear step in percent');
    const bake = literalMinutes(o.bakeTime ?? Duration.minutes(10));
    if (this.shiftMinutes !== undefined && bake !== undefined && this.shiftMinutes + bake > MAX_DEPLOYMENT_MINUTES) {
      throw invalid(path, 'deployment', `${this.shiftMinutes + bake} minutes`,
        'CloudFormation rejects a deployment whose traffic shifts and bake time add up to more than 33 hours',
        'Shorten the bake times, or take larger steps.');
    }
    o.testTraffic?._validate(path);
    for (const test of o.smokeTests ?? []) {
      const p = literalString(test.path);
      if (p !== undefined && (!p.startsWith('/') || p.length > 1024 || /\s/.test(p))) {
        throw invalid(path, 'deployment.smokeTests.path', p, 'a smoke test path starts with \'/\', has no spaces and at most 1024 characters',
          `Write it as '/${p.replace(/^\/*/, '').replace(/\s/g, '%20')}'.`);
      }
      const status = literalString(test.expectedStatus);
      if (status !== undefined && !validCodeList(status, 100, 599)) {
        throw invalid(path, 'deployment.smokeTests.expectedStatus', status, 'an expected status is a code (200), a range (200-299) or a list (200,204) of 100-599',
          "Write it like '200' or '200-299'.");
      }
    }
    const ca = literalString(o.smokeTestCa);
    if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw invalid(path, 'deployment.smokeTestCa', `${ca.slice(0, 20)}...`, 'the smoke tests\' CA is a PEM certificate (-----BEGIN CERTIFICATE-----)',
        'Give the PEM text, e.g. fs.readFileSync(\'ca.pem\', \'utf8\').');
    }
    const host = literalString(o.smokeTestHost);
    if (host !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host)) {
      throw invalid(path, 'deployment.smokeTestHost', host, 'a smoke test host is a bare host name (no scheme, port, path or wildcard)', "Give a name like 'api.example.com'.");
    }
  }

  public _serviceProps(): DeploymentServiceProps {
    return { deploymentStrategy: this._strategy, bakeTime: this._progressive.bakeTime ?? Duration.minutes(10), ...this.shift };
  }
}

function literalMinutes(d: Duration | undefined): number | undefined {
  const s = literalSeconds(d);
  return s === undefined ? undefined : s / 60;
}

/** ECS takes bake times in whole minutes from 0 to 1440. */
function checkMinutes(path: string, prop: string, d: Duration | undefined): void {
  const minutes = literalMinutes(d);
  if (minutes === undefined) return;
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) {
    throw invalid(path, prop, d, 'ECS takes bake times in whole minutes from 0 to 1440 (a day)', `Give Duration.minutes(${Math.min(1440, Math.max(0, Math.round(minutes)))}).`);
  }
}

/** Does a value match one of a listener rule's patterns (`*` any characters, `?` one)? Hosts match case-insensitively. */
export function ruleMatches(value: string, patterns: string[], ignoreCase = false): boolean {
  const glob = (p: string) => p.split('').map((c) => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return patterns.some((p) => new RegExp(`^${glob(p)}$`, ignoreCase ? 'i' : '').test(value));
}

/** Does a literal path (its query aside) fall under one of the rule's path patterns? */
export function pathRouted(path: string, patterns: string[]): boolean {
  return ruleMatches(path.split('?')[0], patterns);
}
