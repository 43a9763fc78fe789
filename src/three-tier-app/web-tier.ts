import {
  Annotations, Duration, RemovalPolicy, Stack, Token,
  aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2, aws_route53 as route53, aws_route53_targets as targets, aws_s3 as s3,
  aws_s3_deployment as s3deploy, custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { API_PATH_PATTERN } from './defaults';
import { EdgeDomainProps, EdgeWebAcl } from './edge';
import { CloudFrontLogFormat, ILogArchive } from '../log-archive-bucket';
import { SECURE_BUCKET } from '../private/buckets';
import { foldToAscii, shortHash } from '../private/cfn-text';
import { checkDomain } from '../private/domain';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { acknowledgeBucketDeploymentGrants, acknowledgeProvider, acknowledgeSingletonFunction } from '../private/provider-functions';
import { arnRegion, stackRegion } from '../private/region';
import { invalid, literalString } from '../private/validate';

/** A custom domain for the distribution. */
export interface WebDomainProps extends EdgeDomainProps {
  /**
   * Certificate for `domainName`, from us-east-1 (e.g. `ThreeTierEdgeStack.certificate`).
   * @default - created here when this stack is in us-east-1; required otherwise
   */
  readonly certificate?: acm.ICertificate;
}

/** Properties of a `WebTier`. */
export interface WebTierProps {
  /** Archive of the CloudFront logs and the site bucket's access logs. */
  readonly logArchive: ILogArchive;
  /**
   * A local folder deployed to the site bucket (e.g. a built front end), invalidated on change.
   * @default - nothing is deployed; upload the site yourself
   */
  readonly siteDirectory?: string;
  /**
   * Internal load balancer that serves `apiPathPattern` through a CloudFront VPC origin (HTTP, port 80).
   * @default - no API route
   */
  readonly apiLoadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Path pattern that CloudFront sends to the load balancer, uncached.
   * @default '/api/*'
   */
  readonly apiPathPattern?: string;
  /**
   * The CloudFront-scope web ACL (from us-east-1).
   * @default - a new `EdgeWebAcl` when this stack is in us-east-1; elsewhere required unless `wafEnabled` is false
   */
  readonly webAcl?: EdgeWebAcl;
  /**
   * Put a WAF web ACL in front of the distribution.
   * @default true
   */
  readonly wafEnabled?: boolean;
  /**
   * Custom domain with alias records.
   * @default - the CloudFront domain only
   */
  readonly domain?: WebDomainProps;
  /**
   * Content-Security-Policy header of every response.
   * @default "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
   */
  readonly contentSecurityPolicy?: string;
  /**
   * Edge locations used.
   * @default cloudfront.PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * What happens to the site bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * CloudFront standard logging v2 (Parquet, table `cloudfront_logs_v2`) or legacy (`cloudfront_logs`).
   * Outside us-east-1, v2's delivery resources go in a stack of their own in us-east-1,
   * `<this stack's id>CloudFrontLogs`, which deploys after this one (`cdk deploy --all`).
   * @default - CloudFrontLogFormat.PARQUET; LEGACY in an env-agnostic stack (with a warning)
   */
  readonly cloudFrontLogFormat?: CloudFrontLogFormat;
}

/** The default Content-Security-Policy; `connectSources` adds origins the page may call (e.g. Cognito). */
export function defaultContentSecurityPolicy(connectSources: string[] = []): string {
  const connect = connectSources.length ? ` connect-src 'self' ${connectSources.join(' ')};` : '';
  return `default-src 'self';${connect} img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'`;
}

/**
 * The SPA fallback: a path whose last segment has no file extension is a client-side route and
 * gets `/index.html`. It runs on the site behaviour only, so API 404s stay API 404s (a distribution
 * error response would rewrite those too).
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

// CloudFront's default quota of cache behaviors per distribution.
const MAX_API_PATHS = 25;

/** CloudFront path patterns start with '/'. */
function checkApiPath(path: string, prop: string, pattern: string): void {
  const literal = literalString(pattern);
  if (literal !== undefined && (!literal.startsWith('/') || literal.length > 255)) {
    throw invalid(path, prop, literal, 'a CloudFront path pattern starts with \'/\' and has at most 255 characters',
      `Write it as '/${literal.replace(/^\/*/, '').slice(0, 254)}'.`);
  }
}

/**
 * The web tier: CloudFront in front of a private S3 bucket (origin access control), SPA fallback,
 * security headers, WAF, optional custom domain, and the API path routed to an internal load
 * balancer through a VPC origin so the browser sees one origin.
 */
export class WebTier extends Construct {
  /** The private bucket of the site. */
  public readonly siteBucket: s3.Bucket;
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** The response headers policy (HSTS, CSP, nosniff, frame denial, referrer policy). */
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** The viewer-request function that rewrites client-side routes to `/index.html`. */
  public readonly spaFunction: cloudfront.Function;
  /** The web ACL, when WAF is on. */
  public readonly webAcl?: EdgeWebAcl;
  /** The certificate, when a domain is given. */
  public readonly certificate?: acm.ICertificate;
  /** The site deployment, when `siteDirectory` is given. */
  public readonly siteDeployment?: s3deploy.BucketDeployment;
  /** The URL viewers use (`https://` + custom domain or CloudFront domain). */
  public readonly url: string;
  /** The folder of this distribution's logs in the archive (`cloudfront-parquet/<name>/`, legacy `cloudfront/<name>/`) and its `distribution` partition value. */
  public readonly cloudFrontLogName: string;
  /** How the distribution's standard logs reach the archive. */
  public readonly cloudFrontLogFormat: CloudFrontLogFormat;
  /** The load balancer as a CloudFront origin (one VPC origin), when `apiLoadBalancer` is given. */
  public readonly apiOrigin?: cloudfront.IOrigin;
  private readonly apiPaths: string[] = [];

  constructor(scope: Construct, id: string, props: WebTierProps) {
    super(scope, id);
    const region = stackRegion(this);
    this.webAcl = this.resolveWebAcl(props, region);
    this.certificate = this.resolveCertificate(props.domain, region);

    this.siteBucket = new s3.Bucket(this, 'SiteBucket', {
      ...SECURE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
      minimumTLSVersion: 1.2,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    props.logArchive.addServerAccessLogsSource(this.siteBucket);
    acknowledge(this.siteBucket, [
      ...inCompliancePacks('S3BucketReplicationEnabled', 'The site is built from source and redeployable; replication adds cost without recovery value.'),
      ...inCompliancePacks('S3DefaultEncryptionKMS', 'SSE-S3: CloudFront origin access control reads it without a key policy.'),
    ]);
    suppressGuard(this.siteBucket, [
      { rule: 's3_bucket_default_encryption_kms_check', reason: 'The site bucket holds public web assets with SSE-S3, which CloudFront origin access control reads without a key policy.' },
      { rule: 's3_bucket_object_lock_enabled_check', reason: 'Site assets are replaced on every deployment, which a lock would block; versioning keeps 30 days of previous versions.' },
      { rule: 's3_event_notifications_enabled_check', reason: 'Nothing reacts to site uploads; deployments invalidate CloudFront directly.' },
    ]);

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Security headers of ${this.node.path}`,
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: props.contentSecurityPolicy ?? defaultContentSecurityPolicy(), override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
    this.spaFunction = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Rewrites client-side routes to /index.html',
    });

    const apiPath = props.apiPathPattern ?? API_PATH_PATTERN;
    checkApiPath(this.node.path, 'apiPathPattern', apiPath);
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    if (props.apiLoadBalancer) {
      this.apiOrigin = origins.VpcOrigin.withApplicationLoadBalancer(props.apiLoadBalancer, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
        httpPort: 80,
        readTimeout: Duration.seconds(30),
      });
      additionalBehaviors[apiPath] = { origin: this.apiOrigin, ...this.apiBehavior() };
      this.apiPaths.push(apiPath);
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Site and API of ${this.node.path}`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [{ function: this.spaFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors,
      defaultRootObject: 'index.html',
      domainNames: props.domain ? [props.domain.domainName] : undefined,
      certificate: this.certificate,
      // Only a custom certificate takes a security policy; on the default one CDK warns that it is ignored.
      minimumProtocolVersion: this.certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
      webAclId: this.webAcl?.webAclArn,
    });
    // Named after the system (its construct path), so that systems sharing one archive keep their
    // CloudFront logs apart: cloudfront-parquet/<system>/, queried with WHERE distribution = '<system>'.
    this.cloudFrontLogName = cloudFrontLogName(this.node.scope ?? this);
    // v2 is delivered from us-east-1, which reads the distribution through a cross-region
    // reference: an env-agnostic stack cannot, so it keeps legacy logging unless asked otherwise.
    const agnostic = stackRegion(this) === undefined;
    const format = props.cloudFrontLogFormat ?? (agnostic ? CloudFrontLogFormat.LEGACY : CloudFrontLogFormat.PARQUET);
    if (agnostic && props.cloudFrontLogFormat === undefined) {
      Annotations.of(this).addWarningV2('cdk-three-tier:cloudFrontLegacyLogs',
        'The stack has no fixed Region, so CloudFront logs use legacy standard logging (ACLs); give the stack env.region for standard logging v2 (Parquet), '
        + 'or set cloudFrontLogFormat: CloudFrontLogFormat.LEGACY to keep legacy logging without this warning.');
    }
    this.cloudFrontLogFormat = format;
    props.logArchive.addCloudFrontDistribution(this.distribution, {
      name: this.cloudFrontLogName,
      format,
      deliveryScope: format === CloudFrontLogFormat.PARQUET ? cloudFrontDeliveryScope(this) : undefined,
    });
    acknowledge(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'The site serves every country; add geoRestriction through the distribution if yours must not.' },
      ...(this.certificate ? [] : [{
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain CloudFront serves its *.cloudfront.net certificate, whose TLS policy cannot be set; give a domain for TLSv1.2_2021.',
      }]),
      ...(this.webAcl ? [] : [{ id: 'AwsSolutions-CFR2', reason: 'WAF was turned off explicitly (wafEnabled: false).' }]),
    ]);
    const noDomain = 'Without a custom domain CloudFront serves its own *.cloudfront.net certificate, which has no certificate, SNI or TLS policy settings; give a domain (ThreeTierEdgeStack) for an ACM certificate, sni-only and TLSv1.2_2021.';
    suppressGuard(this.distribution, [
      { rule: 'cloudfront_origin_failover_enabled_check', reason: 'The site and the API have one origin each, in one Region; a failover origin needs a second copy of the system in another Region.' },
      ...(this.certificate ? [] : ['cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check', 'cloudfront_security_policy_check'].map((rule) => ({ rule, reason: noDomain }))),
      // The rules accept a literal ARN or a certificate of this template, not one read from the edge stack.
      ...(this.certificate && Stack.of(this.certificate) !== Stack.of(this) && Token.isUnresolved(this.certificate.certificateArn)
        ? ['cloudfront_custom_ssl_certificate_check', 'cloudfront_sni_enabled_check'].map((rule) => ({
          rule,
          reason: 'The ACM certificate (sni-only, TLSv1.2_2021) comes from the us-east-1 edge stack through CDK\'s cross-region reference, a custom resource attribute the rules do not follow.',
        }))
        : []),
    ]);

    if (props.apiLoadBalancer) {
      this.allowCloudFront(props.apiLoadBalancer);
    }

    if (props.domain) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasA', { zone: props.domain.hostedZone, recordName: props.domain.domainName, target });
      new route53.AaaaRecord(this, 'AliasAaaa', { zone: props.domain.hostedZone, recordName: props.domain.domainName, target });
    }
    this.url = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;

    if (props.siteDirectory) {
      this.siteDeployment = new s3deploy.BucketDeployment(this, 'DeploySite', {
        sources: [s3deploy.Source.asset(props.siteDirectory)],
        destinationBucket: this.siteBucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
      acknowledgeSingletonFunction(this, 'Custom::CDKBucketDeployment', 'copies the site into its bucket during deployment');
      acknowledgeBucketDeploymentGrants(this, this.siteBucket);
    }
  }

  /**
   * Send one more path pattern to the load balancer, with the same settings as `apiPathPattern`
   * (uncached, all methods, all viewer headers). Adding a pattern twice changes nothing.
   */
  public addApiPath(pathPattern: string): void {
    if (!this.apiOrigin) {
      throw invalid(this.node.path, 'addApiPath', pathPattern, 'API paths go to the load balancer, and this web tier has none',
        'Give the web tier apiLoadBalancer.');
    }
    checkApiPath(this.node.path, 'addApiPath', pathPattern);
    // A wildcard in the first segment ('/*', '/*.js', '/a*') or the root itself takes site files
    // and client-side routes away from S3 and the SPA rewrite.
    const firstSegment = pathPattern.split('/')[1];
    if (pathPattern === '/' || /[*?]/.test(firstSegment)) {
      throw invalid(this.node.path, 'addApiPath', pathPattern, 'this pattern would take site paths from S3 (a wildcard in the first segment, or the root)',
        'Route the service under a fixed prefix such as \'/api/*\' or \'/app/*\'.');
    }
    if (this.apiPaths.includes(pathPattern)) return;
    if (this.apiPaths.length >= MAX_API_PATHS) {
      throw invalid(this.node.path, 'addApiPath', pathPattern, `this would be API path ${this.apiPaths.length + 1}, and a distribution takes ${MAX_API_PATHS} cache behaviors by default`,
        'Route services under one prefix (e.g. /api/*), or raise the quota and route them yourself.');
    }
    this.apiPaths.push(pathPattern);
    this.distribution.addBehavior(pathPattern, this.apiOrigin, this.apiBehavior());
  }

  private apiBehavior(): cloudfront.AddBehaviorOptions {
    return {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // The viewer's Host reaches the ALB (an HTTP origin needs no matching name), so services can
      // route on hostHeaders.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
    };
  }

  private resolveWebAcl(props: WebTierProps, region: string | undefined): EdgeWebAcl | undefined {
    if (props.wafEnabled === false) {
      if (props.webAcl) {
        throw invalid(this.node.path, 'webAcl', props.webAcl.node.path, 'wafEnabled is false, so this web ACL would be ignored', 'Remove webAcl or wafEnabled: false.');
      }
      return undefined;
    }
    if (props.webAcl) {
      const aclRegion = stackRegion(props.webAcl);
      if (aclRegion !== 'us-east-1') {
        throw invalid(this.node.path, 'webAcl', props.webAcl.node.path, `CloudFront takes a web ACL from us-east-1 only, and this one is in ${aclRegion ?? 'an env-agnostic stack'}`,
          'Create it in a ThreeTierEdgeStack (or another stack) with env.region \'us-east-1\'.');
      }
      crossRegionUse(this, props.webAcl, 'webAcl');
      return props.webAcl;
    }
    if (region === 'us-east-1') return new EdgeWebAcl(this, 'WebAcl');
    throw invalid(this.node.path, 'wafEnabled', props.wafEnabled ?? true,
      `CloudFront takes a WAF web ACL from us-east-1 only, and this stack is in ${region ?? 'no fixed region (env-agnostic)'}`,
      'Create a ThreeTierEdgeStack with env.region \'us-east-1\' and pass it as edge (or its webAcl as webAcl), with crossRegionReferences: true on this stack; ' +
      'deploy this stack to us-east-1; or set wafEnabled: false.');
  }

  private resolveCertificate(domain: WebDomainProps | undefined, region: string | undefined): acm.ICertificate | undefined {
    if (!domain) return undefined;
    // Reported at the system (ThreeTierApp's `domain`) when the web tier is part of one.
    checkDomain((this.node.scope ?? this).node.path, 'domain.domainName', domain.domainName, domain.hostedZone, !domain.certificate);
    if (domain.certificate) {
      const certRegion = arnRegion(domain.certificate.certificateArn) ?? stackRegion(domain.certificate);
      if (certRegion !== 'us-east-1') {
        throw invalid(this.node.path, 'domain.certificate', domain.certificate.certificateArn,
          `CloudFront only accepts ACM certificates from us-east-1, and this one is in ${certRegion ?? 'an unknown region'}`,
          'Request it in us-east-1: a ThreeTierEdgeStack with the domain does that.');
      }
      crossRegionUse(this, domain.certificate, 'domain.certificate');
      return domain.certificate;
    }
    if (region === 'us-east-1') {
      return new acm.Certificate(this, 'Certificate', {
        domainName: domain.domainName,
        validation: acm.CertificateValidation.fromDns(domain.hostedZone),
      });
    }
    throw invalid(this.node.path, 'domain.domainName', domain.domainName,
      `CloudFront needs the domain's certificate from us-east-1, and this stack is in ${region ?? 'no fixed region'}, where it would be requested`,
      'Create a ThreeTierEdgeStack with the domain and pass it as edge (or its certificate as domain.certificate).');
  }

  /**
   * The load balancer admits CloudFront's origin-facing prefix list on port 80 (the VPC origin
   * connects from it; the rule weighs 55 of the 60 rules a security group allows). CloudFormation
   * cannot look the list up by name, so a custom resource reads its id at deploy time.
   */
  private allowCloudFront(alb: elbv2.IApplicationLoadBalancer): void {
    const lookup = new cr.AwsCustomResource(this, 'CloudFrontPrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }] },
        physicalResourceId: cr.PhysicalResourceId.of('com.amazonaws.global.cloudfront.origin-facing'),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      // DescribeManagedPrefixLists has no resource-level permissions.
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    const prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
    alb.connections.allowFrom(ec2.Peer.prefixList(prefixListId), ec2.Port.tcp(80), 'CloudFront VPC origin');
    acknowledgeSingletonFunction(this, 'AWS679f53fac002430cb0da5b7982bd2287', 'reads the id of the CloudFront origin-facing prefix list at deploy time');
    const policy = lookup.node.tryFindChild('CustomResourcePolicy');
    if (policy) {
      const reason = 'ec2:DescribeManagedPrefixLists has no resource-level permissions; the policy allows that one read-only call.';
      acknowledge(policy, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason }, ...inCompliancePacks('IAMNoInlinePolicy', reason)]);
    }
  }
}

/**
 * A reference from another Region works only with crossRegionReferences on the using stack, and
 * brings CDK's cross-region reader into it, which we acknowledge.
 */
function crossRegionUse(scope: Construct, other: Construct, what: string): void {
  const here = Stack.of(scope);
  const there = Stack.of(other);
  if (here !== there && stackRegion(scope) !== stackRegion(other)) {
    acknowledgeProvider(scope, 'CrossRegionExportReader', 'reads the web ACL and certificate ARNs that the us-east-1 edge stack writes to SSM parameters in this Region');
  }
  if (here !== there && stackRegion(scope) !== stackRegion(other) && !here._crossRegionReferences) {
    throw invalid(scope.node.path, what, other.node.path,
      `it is in ${stackRegion(other)} and this stack is in ${stackRegion(scope) ?? 'no fixed region'}, which needs a cross-region reference`,
      `Set crossRegionReferences: true on stack '${here.stackName}' (and give it an explicit env.region).`);
  }
}

/**
 * Where CloudFront's v2 log delivery goes: beside the distribution in us-east-1; elsewhere a
 * us-east-1 stack of its own that deploys after the system's (the edge stack deploys before it, so
 * it cannot read the distribution), one per system stack.
 */
function cloudFrontDeliveryScope(web: Construct): Construct {
  let system = Stack.of(web);
  while (system.nestedStackParent) system = system.nestedStackParent;
  const region = stackRegion(system);
  if (region === 'us-east-1') return web;
  if (region === undefined) {
    throw invalid(web.node.path, 'cloudFrontLogFormat', 'PARQUET',
      'CloudFront logs v2 are delivered from us-east-1, and this stack has no fixed Region to reference the distribution from',
      'Give the stack env: { region: ... }, or cloudFrontLogFormat: CloudFrontLogFormat.LEGACY.');
  }
  const app = system.node.scope ?? system;
  const id = `${system.node.id}CloudFrontLogs`;
  const existing = app.node.tryFindChild(id);
  if (existing) return existing as Stack;
  const account = Token.isUnresolved(system.account) ? undefined : system.account;
  const logs = new Stack(app, id, {
    env: { account, region: 'us-east-1' },
    crossRegionReferences: true,
    description: `CloudFront standard logging v2 of ${system.stackName}: a CloudWatch Logs delivery in us-east-1 into the log archive`,
  });
  logs.node.addDependency(system); // Stack.addDependency is deprecated in newer aws-cdk-lib
  return logs;
}

/** `shop` for a system at `Stack/Shop`: the path below the stack, lower case, in the characters a log folder takes. */
function cloudFrontLogName(system: Construct): string {
  const below = system.node.scopes.slice(system.node.scopes.indexOf(Stack.of(system)) + 1).map((c) => c.node.id).join('-');
  const name = foldToAscii(below).toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 60);
  return name === '' ? `system-${shortHash(system.node.path)}` : name;
}
