import { Duration, aws_certificatemanager as acm, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { LogArchiveBucket } from '../log-archive-bucket';

/** Options for a load balancer the service creates for itself. */
export interface NewLoadBalancerOptions {
  /** Certificate of the HTTPS listener (port 443). Port 80 only redirects to HTTPS. */
  readonly certificate: acm.ICertificate;

  /**
   * Security policy of the HTTPS listener.
   * @default elbv2.SslPolicy.RECOMMENDED_TLS - TLS 1.3 and 1.2 (ELBSecurityPolicy-TLS13-1-2-2021-06)
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Whether the load balancer has a public address.
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * Protect the load balancer from deletion (turn off before deleting the stack).
   * @default true
   */
  readonly deletionProtection?: boolean;

  /** The archive that receives the load balancer's access logs (`alb/` prefix). */
  readonly accessLogs: LogArchiveBucket;

  /**
   * ARN of a regional WAF web ACL to associate with the load balancer.
   * @default - no web ACL (put WAF in front, e.g. on CloudFront)
   */
  readonly webAclArn?: string;

  /**
   * Idle timeout of connections.
   * @default Duration.seconds(60)
   */
  readonly idleTimeout?: Duration;
}

/** How the service attaches to an existing listener. */
export interface SharedListenerOptions {
  /** Rule priority, unique per listener (1-50000). */
  readonly priority: number;

  /**
   * Path patterns that route to this service, e.g. `['/api/*']`.
   * @default - no path condition (give hostHeaders instead)
   */
  readonly pathPatterns?: string[];

  /**
   * Host headers that route to this service, e.g. `['api.example.com']`.
   * @default - no host condition (give pathPatterns instead)
   */
  readonly hostHeaders?: string[];
}

/** Where the service's traffic comes from: its own load balancer or a rule on a shared listener. */
export abstract class ServiceLoadBalancer {
  /** Create an ALB for this service: HTTPS with a TLS 1.3 policy, HTTP redirected to HTTPS. */
  public static newLoadBalancer(options: NewLoadBalancerOptions): ServiceLoadBalancer {
    return new NewLoadBalancer(options);
  }

  /** Add a listener rule (path and/or host) on a listener that several services share. */
  public static sharedListener(listener: elbv2.ApplicationListener, options: SharedListenerOptions): ServiceLoadBalancer {
    return new SharedListener(listener, options);
  }

  /** @internal */
  public abstract readonly _newOptions?: NewLoadBalancerOptions;
  /** @internal */
  public abstract readonly _listener?: elbv2.ApplicationListener;
  /** @internal */
  public abstract readonly _rule?: SharedListenerOptions;
}

class NewLoadBalancer extends ServiceLoadBalancer {
  public readonly _listener = undefined;
  public readonly _rule = undefined;
  constructor(public readonly _newOptions: NewLoadBalancerOptions) { super(); }
}

class SharedListener extends ServiceLoadBalancer {
  public readonly _newOptions = undefined;
  constructor(public readonly _listener: elbv2.ApplicationListener, public readonly _rule: SharedListenerOptions) { super(); }
}

// Priorities already used per listener, across every MonitoredEcsService of the app.
const usedPriorities = new WeakMap<elbv2.ApplicationListener, Map<number, string>>();

/** Throw if the rule is malformed or its priority is taken on this listener. */
export function claimListenerRule(listener: elbv2.ApplicationListener, rule: SharedListenerOptions, owner: string): void {
  if (!Number.isInteger(rule.priority) || rule.priority < 1 || rule.priority > 50000) {
    throw new Error(`MonitoredEcsService ${owner}: listener rule priority ${rule.priority} must be an integer from 1 to 50000.`);
  }
  if (!rule.pathPatterns?.length && !rule.hostHeaders?.length) {
    throw new Error(`MonitoredEcsService ${owner}: a shared listener rule needs pathPatterns and/or hostHeaders.`);
  }
  if ((rule.pathPatterns?.length ?? 0) + (rule.hostHeaders?.length ?? 0) > 5) {
    throw new Error(`MonitoredEcsService ${owner}: a listener rule allows at most 5 condition values in total (paths + hosts).`);
  }
  const taken = usedPriorities.get(listener) ?? new Map<number, string>();
  const other = taken.get(rule.priority);
  if (other) {
    throw new Error(`MonitoredEcsService ${owner}: listener rule priority ${rule.priority} is already used by ${other} on this listener; priorities must be unique per listener.`);
  }
  taken.set(rule.priority, owner);
  usedPriorities.set(listener, taken);
}
