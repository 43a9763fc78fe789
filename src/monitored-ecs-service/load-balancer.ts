import { Duration, aws_certificatemanager as acm, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { checkListenerRule } from './load-balancing-rules';
import { LogArchiveBucket } from '../log-archive-bucket';
import { invalid } from '../private/validate';

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

  /**
   * Who may connect on 80 (redirect) and 443.
   * @default - anyone when internet-facing; the VPC's CIDR block when internal
   */
  readonly allowFrom?: ec2.IPeer[];
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
  checkListenerRule(owner, rule);
  const taken = usedPriorities.get(listener) ?? new Map<number, string>();
  const other = taken.get(rule.priority);
  if (other) {
    throw invalid(owner, 'loadBalancer.priority', rule.priority, `${other} already uses this priority on the listener, and priorities are unique per listener`,
      'Give this service another priority.');
  }
  taken.set(rule.priority, owner);
  usedPriorities.set(listener, taken);
}
