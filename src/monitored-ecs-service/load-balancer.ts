import { Duration, aws_certificatemanager as acm, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkListenerRule, checkNewLoadBalancer } from './load-balancing-rules';
import { MutualTls } from './mutual-tls';
import { ILogArchive } from '../log-archive-bucket';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { stackRegion } from '../private/region';
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
  readonly logArchive: ILogArchive;

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

  /**
   * The Strict-Transport-Security header the HTTPS listener adds to every response (a listener
   * attribute), e.g. 'max-age=63072000; includeSubDomains; preload'; 'max-age=0' tells browsers to forget it.
   * @default 'max-age=31536000; includeSubDomains' (a year)
   */
  readonly strictTransportSecurity?: string;

  /**
   * Keep the `server: awselb/2.0` header in responses (both listeners).
   * @default false - removed, so responses do not name the software
   */
  readonly serverHeader?: boolean;

  /**
   * Mutual TLS on the HTTPS listener: verify client certificates against a trust store, or pass them to the service.
   * @default - no client certificate asked for
   */
  readonly mutualTls?: MutualTls;
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

/** What a load balancer choice gives the service once bound. */
export interface ServiceLoadBalancerBinding {
  /** The listener that sends traffic to the service. */
  readonly listener: elbv2.ApplicationListener;
  /** The load balancer of that listener. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The rule on a shared listener. */
  readonly listenerRule?: elbv2.ApplicationListenerRule;
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

  /** @internal Check the options against the service's stack, before anything is created. */
  public abstract _validate(scope: Construct): void;

  /** @internal Create what the variant needs in the service's scope and send its traffic to the target group. */
  public abstract _bind(scope: Construct, vpc: ec2.IVpc, targetGroup: elbv2.ApplicationTargetGroup): ServiceLoadBalancerBinding;
}

class NewLoadBalancer extends ServiceLoadBalancer {
  constructor(private readonly options: NewLoadBalancerOptions) { super(); }

  public _validate(scope: Construct): void {
    checkNewLoadBalancer(scope.node.path, this.options, stackRegion(scope));
    this.options.mutualTls?._validate(scope.node.path);
  }

  public _bind(scope: Construct, vpc: ec2.IVpc, targetGroup: elbv2.ApplicationTargetGroup): ServiceLoadBalancerBinding {
    const opts = this.options;
    const deletionProtection = opts.deletionProtection ?? true;
    const internetFacing = opts.internetFacing ?? true;
    // An internet-facing load balancer is open to anyone (as before); an internal one, or one
    // with allowFrom, admits only its peers: never 0.0.0.0/0 on a load balancer inside the VPC.
    const open = internetFacing && !opts.allowFrom;
    const lb = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
      vpc,
      internetFacing,
      dropInvalidHeaderFields: true,
      deletionProtection,
      idleTimeout: opts.idleTimeout,
    });
    const listener = lb.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [opts.certificate],
      sslPolicy: opts.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [targetGroup],
      open,
      mutualAuthentication: opts.mutualTls?._bind(scope),
    });
    // With revocation lists, the listener verifies only once they are in.
    const revocation = scope.node.tryFindChild('TrustStoreRevocation');
    if (revocation) listener.node.addDependency(revocation);
    // Response headers the listener itself sets (listener attributes, no code in the service).
    listener.setAttribute('routing.http.response.strict_transport_security.header_value', opts.strictTransportSecurity ?? 'max-age=31536000; includeSubDomains');
    listener.setAttribute('routing.http.response.x_content_type_options.header_value', 'nosniff');
    listener.setAttribute('routing.http.response.server.enabled', String(opts.serverHeader ?? false));
    if (!deletionProtection) {
      suppressGuard(lb, [{ rule: 'elbv2_deletion_protection_enabled_check', reason: 'Deletion protection is off by choice (deletionProtection: false).' }]);
    }
    const redirect = lb.addRedirect({
      sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS, open,
    });
    redirect.setAttribute('routing.http.response.server.enabled', String(opts.serverHeader ?? false));
    const securityGroup = lb.connections.securityGroups[0];
    if (open) {
      acknowledge(securityGroup, [{ id: 'AwsSolutions-EC23', reason: 'An internet-facing load balancer accepts 80 (redirect) and 443 from anywhere by design.' }]);
    } else {
      for (const peer of opts.allowFrom ?? [ec2.Peer.ipv4(vpc.vpcCidrBlock)]) {
        lb.connections.allowFrom(peer, ec2.Port.tcp(443), 'HTTPS');
        lb.connections.allowFrom(peer, ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
      }
      if (!opts.allowFrom) {
        // The rules cannot name a literal CIDR (the VPC's is a reference), so the packs cannot tell it from 0.0.0.0/0.
        const reason = 'Ingress is the VPC\'s own CIDR block on 80 and 443 only; the packs read the reference to it as unrestricted.';
        acknowledge(securityGroup, [
          { id: 'AwsSolutions-EC23', reason },
          ...inCompliancePacks('EC2RestrictedCommonPorts', reason),
          ...inCompliancePacks('EC2RestrictedSSH', reason),
        ]);
      }
    }
    acknowledge(redirect, inCompliancePacks('ELBv2ACMCertificateRequired',
      'Port 80 only answers with a redirect to the HTTPS listener, which uses the ACM certificate.'));
    opts.logArchive.addApplicationLoadBalancer(lb);
    if (opts.webAclArn) {
      new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: lb.loadBalancerArn, webAclArn: opts.webAclArn });
    } else {
      acknowledge(lb, ['NIST.800.53.R5-ALBWAFEnabled', 'PCI.DSS.321-ALBWAFEnabled'].map((rule) => ({
        id: rule,
        reason: 'WAF is opt-in here (webAclArn); ThreeTierApp puts WAF on CloudFront in front of this load balancer.',
      })));
    }
    return { listener, loadBalancer: lb };
  }
}

class SharedListener extends ServiceLoadBalancer {
  constructor(private readonly listener: elbv2.ApplicationListener, private readonly rule: SharedListenerOptions) { super(); }

  public _validate(scope: Construct): void {
    checkListenerRule(scope.node.path, this.rule);
  }

  public _bind(scope: Construct, _vpc: ec2.IVpc, targetGroup: elbv2.ApplicationTargetGroup): ServiceLoadBalancerBinding {
    const { listener, rule } = this;
    claimListenerRule(listener, rule, scope.node.path);
    const conditions: elbv2.ListenerCondition[] = [];
    if (rule.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(rule.pathPatterns));
    if (rule.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(rule.hostHeaders));
    const listenerRule = new elbv2.ApplicationListenerRule(scope, 'ListenerRule', {
      listener,
      priority: rule.priority,
      conditions,
      targetGroups: [targetGroup],
    });
    return { listener, loadBalancer: listener.loadBalancer, listenerRule };
  }
}

// Priorities already used per listener, across every MonitoredEcsService of the app.
const usedPriorities = new WeakMap<elbv2.ApplicationListener, Map<number, string>>();

/** Throw if the priority is taken on this listener. */
function claimListenerRule(listener: elbv2.ApplicationListener, rule: SharedListenerOptions, owner: string): void {
  const taken = usedPriorities.get(listener) ?? new Map<number, string>();
  const other = taken.get(rule.priority);
  if (other) {
    throw invalid(owner, 'loadBalancer.priority', rule.priority, `${other} already uses this priority on the listener, and priorities are unique per listener`,
      'Give this service another priority.');
  }
  taken.set(rule.priority, owner);
  usedPriorities.set(listener, taken);
}
