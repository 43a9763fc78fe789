import { Annotations, Duration, aws_certificatemanager as acm, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HeaderTestTraffic, PortTestTraffic, TestTraffic } from './deployment';
import { checkListenerRule, checkNewLoadBalancer } from './load-balancing-rules';
import { MutualTls } from './mutual-tls';
import { ILogArchive } from '../log-archive-bucket';
import { ec2Description } from '../private/cfn-text';
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

  /**
   * A security group that every service on this listener carries beside its own. The load
   * balancer's egress rule names this group (one rule per container port) instead of each
   * service's, so the load balancer's group stays under its rule quota however many services
   * share it; each service's own group still admits the load balancer on its port only.
   * @default - the load balancer's egress rule names the service's own group (one rule per service)
   */
  readonly targetSecurityGroup?: ec2.ISecurityGroup;
}

/** What a load balancer choice gives the service once bound. */
export interface ServiceLoadBalancerBinding {
  /** The listener that sends traffic to the service. */
  readonly listener: elbv2.ApplicationListener;
  /** The load balancer of that listener. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The rule on a shared listener. */
  readonly listenerRule?: elbv2.ApplicationListenerRule;
  /** A group the tasks carry beside their own, which the load balancer's egress rule names. */
  readonly targetSecurityGroup?: ec2.ISecurityGroup;
  /** With a progressive deployment: where production and test traffic go, and how the hook reaches the test rule. */
  readonly progressive?: ProgressiveBinding;
}

/** @internal What a blue/green, canary or linear deployment needs from the load balancer. */
export interface ProgressiveRequest {
  readonly alternateTargetGroup: elbv2.ApplicationTargetGroup;
  readonly testTraffic: TestTraffic;
}

/** @internal The rules ECS shifts between the two target groups, and the hook's way to the test rule. */
export interface ProgressiveBinding {
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testRule: elbv2.ApplicationListenerRule;
  /** Listeners whose rules (or default action) ECS may modify. */
  readonly listeners: elbv2.ApplicationListener[];
  /** e.g. `http://internal-x.elb.amazonaws.com:9080` */
  readonly testBaseUrl: string;
  readonly testHeaders: Record<string, string>;
  /** The hooks' security group, admitted by the load balancer on the test port. */
  readonly hookSecurityGroup: ec2.ISecurityGroup;
  /** Path patterns the rules route (none: every path). */
  readonly pathPatterns: string[];
  /** Host headers the rules route. */
  readonly hostHeaders: string[];
  /** Whether the hook reaches the load balancer at a public address, through NAT. */
  readonly throughNat: boolean;
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
  public abstract _validate(scope: Construct, testTraffic?: TestTraffic): void;

  /** @internal Create what the variant needs in the service's scope and send its traffic to the target group. */
  public abstract _bind(scope: Construct, vpc: ec2.IVpc, targetGroup: elbv2.ApplicationTargetGroup,
    progressive?: ProgressiveRequest): ServiceLoadBalancerBinding;
}

/** Both target groups on a rule, all weight on the primary: ECS moves the weights during a deployment. */
function bothTargetGroups(primary: elbv2.IApplicationTargetGroup, alternate: elbv2.IApplicationTargetGroup): elbv2.ListenerAction {
  return elbv2.ListenerAction.weightedForward([{ targetGroup: primary, weight: 100 }, { targetGroup: alternate, weight: 0 }]);
}

/** The security group of the deployment hooks of one listener's services (one load balancer rule for all of them). */
function hookSecurityGroup(listener: elbv2.ApplicationListener, vpc: ec2.IVpc): ec2.SecurityGroup {
  const existing = listener.node.tryFindChild('DeploymentHooks') as ec2.SecurityGroup | undefined;
  return existing ?? new ec2.SecurityGroup(listener, 'DeploymentHooks', {
    vpc,
    description: ec2Description(`Deployment smoke tests of the services behind ${listener.node.path}; reach the load balancer only`),
    allowAllOutbound: false,
  });
}

/** A header that only test requests carry (not a secret: it is in the template). */
function testHeader(traffic: HeaderTestTraffic, scope: Construct): [string, string] {
  return [traffic.options.name ?? 'x-deployment-test', traffic.options.value ?? scope.node.addr.slice(2, 18)];
}

function checkTestPort(path: string, traffic: TestTraffic | undefined, takenPorts: number[]): void {
  if (traffic instanceof PortTestTraffic && takenPorts.includes(traffic.port)) {
    throw invalid(path, 'deployment.testTraffic', traffic.port, `the test listener needs a port of its own, and ${traffic.port} already has a listener`,
      'Give another port, e.g. TestTraffic.port(9080).');
  }
}

/** Whether a load balancer this app defines is internet-facing (an imported one: assume it is). */
function isInternetFacing(lb: elbv2.IApplicationLoadBalancer): boolean {
  const cfn = lb.node.defaultChild as elbv2.CfnLoadBalancer | undefined;
  return cfn?.scheme !== 'internal';
}

/**
 * From the VPC the hook reaches an internet-facing load balancer at its public address, through
 * NAT: out to anywhere on the port (a rule naming the load balancer's group would not match).
 */
function reachPublicly(hooks: ec2.SecurityGroup, port: number): void {
  hooks.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), 'Deployment smoke tests to the internet-facing load balancer, through NAT');
}

class NewLoadBalancer extends ServiceLoadBalancer {
  constructor(private readonly options: NewLoadBalancerOptions) { super(); }

  public _validate(scope: Construct, testTraffic?: TestTraffic): void {
    checkNewLoadBalancer(scope.node.path, this.options, stackRegion(scope));
    this.options.mutualTls?._validate(scope.node.path);
    checkTestPort(scope.node.path, testTraffic, [443, 80]);
    if (testTraffic instanceof PortTestTraffic && (this.options.internetFacing ?? true)) {
      throw invalid(scope.node.path, 'deployment.testTraffic', `port ${testTraffic.port}`,
        'the hook reaches an internet-facing load balancer through NAT, from an address the test port could not tell from anyone\'s',
        'Use TestTraffic.header() here, or an internal load balancer (internetFacing: false).');
    }
    if (testTraffic && this.options.mutualTls?._verifies) {
      throw invalid(scope.node.path, 'deployment', 'mutualTls.verify',
        'the listener refuses connections without a client certificate, and the deployment hook has none, so every smoke test would fail and roll back',
        'Use ServiceDeployment.rolling() on a listener that verifies clients, or MutualTls.passthrough() (the service verifies).');
    }
    const testPriority = testTraffic instanceof HeaderTestTraffic ? testTraffic.options.priority : undefined;
    if (testPriority !== undefined && testPriority >= OWN_PRODUCTION_PRIORITY) {
      throw invalid(scope.node.path, 'deployment.testTraffic.priority', testPriority,
        `the test rule must come before the production rule (priority ${OWN_PRODUCTION_PRIORITY}) on the service's own load balancer`,
        `Give a priority from 1 to ${OWN_PRODUCTION_PRIORITY - 1}, or leave it out.`);
    }
  }

  public _bind(scope: Construct, vpc: ec2.IVpc, targetGroup: elbv2.ApplicationTargetGroup,
    progressive?: ProgressiveRequest): ServiceLoadBalancerBinding {
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
    return { listener, loadBalancer: lb, progressive: progressive && this.bindProgressive(scope, vpc, lb, listener, targetGroup, progressive) };
  }

  /** A catch-all production rule (ECS takes a rule, not the default action) and a test rule or listener. */
  private bindProgressive(scope: Construct, vpc: ec2.IVpc, lb: elbv2.ApplicationLoadBalancer, listener: elbv2.ApplicationListener,
    targetGroup: elbv2.ApplicationTargetGroup, request: ProgressiveRequest): ProgressiveBinding {
    const hooks = hookSecurityGroup(listener, vpc);
    const all = [elbv2.ListenerCondition.pathPatterns(['/*'])];
    const productionRule = new elbv2.ApplicationListenerRule(scope, 'ProductionRule', {
      listener, priority: OWN_PRODUCTION_PRIORITY, conditions: all, action: bothTargetGroups(targetGroup, request.alternateTargetGroup),
    });
    const traffic = request.testTraffic;
    if (traffic instanceof PortTestTraffic) {
      const testListener = lb.addListener('TestListener', {
        port: traffic.port,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [this.options.certificate],
        sslPolicy: this.options.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultTargetGroups: [targetGroup],
        open: false,
      });
      testListener.setAttribute('routing.http.response.server.enabled', String(this.options.serverHeader ?? false));
      testListener.connections.allowFrom(hooks, ec2.Port.tcp(traffic.port), 'Deployment smoke tests');
      const testRule = new elbv2.ApplicationListenerRule(scope, 'TestRule', {
        listener: testListener,
        priority: OWN_PRODUCTION_PRIORITY,
        conditions: all,
        action: bothTargetGroups(targetGroup, request.alternateTargetGroup),
      });
      return {
        productionRule,
        testRule,
        listeners: [listener, testListener],
        hookSecurityGroup: hooks,
        pathPatterns: [],
        hostHeaders: [],
        throughNat: false,
        testBaseUrl: `https://${lb.loadBalancerDnsName}:${traffic.port}`,
        testHeaders: {},
      };
    }
    const header = traffic as HeaderTestTraffic;
    const [name, value] = testHeader(header, scope);
    if ((this.options.internetFacing ?? true) && this.options.allowFrom) {
      Annotations.of(scope).addWarningV2('cdk-three-tier:deploymentHookThroughNat',
        'The deployment hook reaches this internet-facing load balancer from the VPC through NAT: allowFrom must include the NAT\'s public addresses, or every smoke test fails.');
    }
    const testRule = new elbv2.ApplicationListenerRule(scope, 'TestRule', {
      listener,
      priority: header.options.priority ?? 1,
      conditions: [...all, elbv2.ListenerCondition.httpHeader(name, [value])],
      action: bothTargetGroups(targetGroup, request.alternateTargetGroup),
    });
    // The hook runs in the VPC. An internet-facing load balancer sees it through NAT, by the NAT's
    // address: open, it admits it anyway; with allowFrom, those peers must include the NAT.
    if (this.options.internetFacing ?? true) reachPublicly(hooks, 443);
    else listener.connections.allowFrom(hooks, ec2.Port.tcp(443), 'Deployment smoke tests');
    return {
      productionRule,
      testRule,
      listeners: [listener],
      hookSecurityGroup: hooks,
      pathPatterns: [],
      hostHeaders: [],
      throughNat: this.options.internetFacing ?? true,
      testBaseUrl: `https://${lb.loadBalancerDnsName}`,
      testHeaders: { [name]: value },
    };
  }
}

/** Priority of the catch-all production rule on a service's own load balancer (test rules come before it). */
const OWN_PRODUCTION_PRIORITY = 10;

class SharedListener extends ServiceLoadBalancer {
  constructor(private readonly listener: elbv2.ApplicationListener, private readonly rule: SharedListenerOptions) { super(); }

  public _validate(scope: Construct, testTraffic?: TestTraffic): void {
    const path = scope.node.path;
    checkListenerRule(path, this.rule);
    checkTestPort(path, testTraffic, [this.listener.port]);
    if (testTraffic instanceof PortTestTraffic && isInternetFacing(this.listener.loadBalancer)) {
      throw invalid(path, 'deployment.testTraffic', `port ${testTraffic.port}`,
        'the hook reaches an internet-facing load balancer through NAT, from an address the test port could not tell from anyone\'s',
        'Use TestTraffic.header() on this listener.');
    }
    if (testTraffic instanceof PortTestTraffic && this.listener.protocol !== elbv2.ApplicationProtocol.HTTP) {
      throw invalid(path, 'deployment.testTraffic', `port ${testTraffic.port}`,
        'a shared test listener is made only beside an HTTP listener (an HTTPS one would need its certificates)', 'Use TestTraffic.header() on this listener.');
    }
    if (testTraffic instanceof HeaderTestTraffic) {
      const testPriority = testTraffic.options.priority ?? this.rule.priority - 1;
      if (testPriority >= this.rule.priority || testPriority < 1) {
        throw invalid(path, 'deployment.testTraffic.priority', testPriority,
          `the test rule must come before the service's own rule (priority ${this.rule.priority}), and priorities start at 1`,
          this.rule.priority > 1 ? `Give a free priority below ${this.rule.priority}.` : 'Give the service a priority above 1, so a test rule fits before it.');
      }
      if ((this.rule.pathPatterns ?? []).length + (this.rule.hostHeaders ?? []).length + 1 > 5) {
        throw invalid(path, 'loadBalancer.pathPatterns + hostHeaders', [...this.rule.pathPatterns ?? [], ...this.rule.hostHeaders ?? []],
          'the test rule repeats the service\'s conditions plus a header, and a listener rule allows at most 5 condition values',
          'Route with at most 4 patterns and hosts, or use TestTraffic.port(...).');
      }
    }
  }

  public _bind(scope: Construct, vpc: ec2.IVpc, targetGroup: elbv2.ApplicationTargetGroup,
    progressive?: ProgressiveRequest): ServiceLoadBalancerBinding {
    const { listener, rule } = this;
    claimListenerRule(listener, rule.priority, scope.node.path, 'loadBalancer.priority', 'Give this service another priority.');
    const conditions: elbv2.ListenerCondition[] = [];
    if (rule.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(rule.pathPatterns));
    if (rule.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(rule.hostHeaders));
    // Same id either way: switching a service to blue/green changes its rule's action in place.
    const listenerRule = new elbv2.ApplicationListenerRule(scope, 'ListenerRule', {
      listener,
      priority: rule.priority,
      conditions,
      ...(progressive ? { action: bothTargetGroups(targetGroup, progressive.alternateTargetGroup) } : { targetGroups: [targetGroup] }),
    });
    const targetSecurityGroup = rule.targetSecurityGroup;
    if (!progressive) return { listener, loadBalancer: listener.loadBalancer, listenerRule, targetSecurityGroup };
    const hooks = hookSecurityGroup(listener, vpc);
    const action = bothTargetGroups(targetGroup, progressive.alternateTargetGroup);
    const dns = listener.loadBalancer.loadBalancerDnsName;
    const scheme = listener.protocol === elbv2.ApplicationProtocol.HTTPS ? 'https' : 'http';
    const routes = { pathPatterns: rule.pathPatterns ?? [], hostHeaders: rule.hostHeaders ?? [] };
    const traffic = progressive.testTraffic;
    const bound = (testRule: elbv2.ApplicationListenerRule, listeners: elbv2.ApplicationListener[], throughNat: boolean,
      testBaseUrl: string, testHeaders: Record<string, string>): ServiceLoadBalancerBinding => ({
      listener,
      loadBalancer: listener.loadBalancer,
      listenerRule,
      targetSecurityGroup,
      progressive: { productionRule: listenerRule, testRule, listeners, hookSecurityGroup: hooks, ...routes, throughNat, testBaseUrl, testHeaders },
    });
    if (traffic instanceof PortTestTraffic) {
      const testListener = sharedTestListener(listener, traffic.port);
      testListener.connections.allowFrom(hooks, ec2.Port.tcp(traffic.port), 'Deployment smoke tests');
      claimListenerRule(testListener, rule.priority, scope.node.path, 'loadBalancer.priority', 'Give this service another priority.');
      const testRule = new elbv2.ApplicationListenerRule(scope, 'TestRule', { listener: testListener, priority: rule.priority, conditions, action });
      return bound(testRule, [listener, testListener], false, `http://${dns}:${traffic.port}`, {});
    }
    const header = traffic as HeaderTestTraffic;
    const [name, value] = testHeader(header, scope);
    const testPriority = header.options.priority ?? rule.priority - 1;
    claimListenerRule(listener, testPriority, `${scope.node.path} (test rule)`, 'deployment.testTraffic.priority',
      'Give TestTraffic.header({ priority }) a free priority below the service\'s, or move the other rule.');
    const testRule = new elbv2.ApplicationListenerRule(scope, 'TestRule', {
      listener, priority: testPriority, conditions: [...conditions, elbv2.ListenerCondition.httpHeader(name, [value])], action,
    });
    const throughNat = isInternetFacing(listener.loadBalancer);
    if (throughNat) reachPublicly(hooks, listener.port);
    else listener.connections.allowFrom(hooks, ec2.Port.tcp(listener.port), 'Deployment smoke tests');
    return bound(testRule, [listener], throughNat, `${scheme}://${dns}:${listener.port}`, { [name]: value });
  }
}

/**
 * The test listener of a port beside a shared HTTP listener, made by the first service that asks:
 * it answers 404 unless a service's test rule matches, and admits only the deployment hooks.
 */
function sharedTestListener(listener: elbv2.ApplicationListener, port: number): elbv2.ApplicationListener {
  const id = `TestPort${port}`;
  const existing = listener.node.tryFindChild(id) as elbv2.ApplicationListener | undefined;
  if (existing) return existing;
  const testListener = new elbv2.ApplicationListener(listener, id, {
    loadBalancer: listener.loadBalancer,
    port,
    protocol: elbv2.ApplicationProtocol.HTTP,
    open: false,
    defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'application/json', messageBody: '{"message":"no service is being tested on this path"}' }),
  });
  testListener.setAttribute('routing.http.response.server.enabled', 'false');
  const reason = 'A test listener of the internal load balancer that only the deployment hooks\' security group reaches, inside the VPC.';
  suppressGuard(testListener, [{ rule: 'alb_http_to_https_redirection_check', reason }]);
  acknowledge(testListener, [
    ...inCompliancePacks('ELBv2ACMCertificateRequired', reason),
    ...inCompliancePacks('ALBHttpToHttpsRedirection', reason, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']),
  ]);
  return testListener;
}

// Priorities already used per listener, across every MonitoredEcsService of the app.
const usedPriorities = new WeakMap<elbv2.ApplicationListener, Map<number, string>>();

/** Throw if the priority is taken on this listener. */
function claimListenerRule(listener: elbv2.ApplicationListener, priority: number, owner: string, prop: string, fix: string): void {
  const taken = usedPriorities.get(listener) ?? new Map<number, string>();
  const other = taken.get(priority);
  if (other) {
    throw invalid(owner, prop, priority, `${other} already uses this priority on the listener, and priorities are unique per listener`, fix);
  }
  taken.set(priority, owner);
  usedPriorities.set(listener, taken);
}
