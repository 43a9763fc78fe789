import {
  ArnFormat, Names, RemovalPolicy, Stack, StackProps,
  aws_certificatemanager as acm, aws_logs as logs, aws_route53 as route53, aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkDomain } from '../private/domain';
import { acknowledge, inCompliancePacks, suppressGuard } from '../private/nag';
import { acknowledgeProvider } from '../private/provider-functions';
import { stackRegion } from '../private/region';
import { checkLogRetention, checkRange, invalid } from '../private/validate';

/** Properties of an `EdgeWebAcl`. */
export interface EdgeWebAclProps {
  /**
   * Requests one client IP may send in 5 minutes before it is blocked (10 to 2,000,000,000).
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Add the SQL injection rule group (worth it in front of a SQL database).
   * @default true
   */
  readonly sqlInjectionRules?: boolean;
  /**
   * How long WAF logs are kept in CloudWatch Logs (us-east-1).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the WAF log group when it leaves the stack. WAF requires a fixed name
   * (`aws-waf-logs-...`), so a retained group must be deleted before the stack is created again.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A CloudFront-scope WAF web ACL: AWS managed rule groups (core rule set, known bad inputs, IP
 * reputation, SQL injection) and a per-IP rate limit, with logs (authorization and cookie headers
 * redacted). CloudFront-scope web ACLs exist only in us-east-1, so this construct must be in a
 * us-east-1 stack (see `ThreeTierEdgeStack`).
 */
export class EdgeWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;
  /** ARN of the web ACL, for `Distribution.webAclId`. */
  public readonly webAclArn: string;
  /** Name of the web ACL (the `WebACL` dimension of its metrics). */
  public readonly webAclName: string;
  /** Log group of the WAF logs (its name starts with `aws-waf-logs-`, as WAF requires). */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps = {}) {
    super(scope, id);
    const region = stackRegion(this);
    if (region !== 'us-east-1') {
      throw invalid(this.node.path, 'env.region', region ?? 'none (env-agnostic)', 'a CloudFront-scope web ACL can only be created in us-east-1',
        'Create it in a stack with env.region \'us-east-1\' (e.g. ThreeTierEdgeStack) and pass it on; set crossRegionReferences on the stack that uses it.');
    }
    const limit = props.rateLimitPer5Minutes ?? 2000;
    checkRange(this.node.path, 'rateLimitPer5Minutes', limit, 10, 2_000_000_000, 'a WAF rate limit (requests from one IP in 5 minutes)', { integer: true });
    checkLogRetention(this.node.path, 'logRetention', props.logRetention);
    this.webAclName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const managed = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'];
    if (props.sqlInjectionRules ?? true) managed.push('AWSManagedRulesSQLiRuleSet');
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      ...managed.map((name, i): wafv2.CfnWebACL.RuleProperty => ({
        name,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: visibility(name),
      })),
    ];
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.webAclName),
      rules,
    });
    this.webAclArn = this.webAcl.attrArn;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 400, separator: '-' })}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(this.logGroup, inCompliancePacks('CloudWatchLogGroupEncrypted', 'WAF logs are encrypted by CloudWatch Logs with service keys.'));
    suppressGuard(this.logGroup, [{ rule: 'cloudwatch_log_group_encrypted_check', reason: 'WAF logs are encrypted by CloudWatch Logs with service keys (authorization and cookie headers are redacted).' }]);
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF rejects the `:*` suffix that LogGroup.logGroupArn carries.
      logDestinationConfigs: [Stack.of(this).formatArn({
        service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
  }
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

/** A custom domain for the site. */
export interface EdgeDomainProps {
  /** The site's domain name, e.g. `www.example.com` or `example.com`. */
  readonly domainName: string;
  /** The public hosted zone that holds `domainName` (for certificate validation and alias records). */
  readonly hostedZone: route53.IHostedZone;
}

/** Properties of a `ThreeTierEdgeStack`. */
export interface ThreeTierEdgeStackProps extends StackProps {
  /**
   * Custom domain: a DNS-validated certificate is created here for CloudFront.
   * @default - no certificate; the site uses the CloudFront domain
   */
  readonly domain?: EdgeDomainProps;
  /**
   * Web ACL settings.
   * @default - the `EdgeWebAcl` defaults
   */
  readonly webAcl?: EdgeWebAclProps;
}

/**
 * The us-east-1 half of a `ThreeTierApp` deployed elsewhere: the CloudFront-scope WAF web ACL and
 * the CloudFront certificate, which AWS accepts only from us-east-1. Give it `env.region:
 * 'us-east-1'`, pass it as `ThreeTierAppProps.edge`, and set `crossRegionReferences: true` on both
 * stacks; `cdk deploy --all` deploys it first.
 */
export class ThreeTierEdgeStack extends Stack {
  /** The web ACL. */
  public readonly webAcl: EdgeWebAcl;
  /** The CloudFront certificate, when a domain is given. */
  public readonly certificate?: acm.Certificate;
  /** The domain, when given. */
  public readonly domain?: EdgeDomainProps;

  constructor(scope: Construct, id: string, props: ThreeTierEdgeStackProps = {}) {
    super(scope, id, { crossRegionReferences: true, ...props });
    acknowledgeProvider(this, 'CrossRegionExportWriter', 'writes the web ACL and certificate ARNs to SSM parameters in the system stacks\' Regions');
    if (stackRegion(this) !== 'us-east-1') {
      throw invalid(this.node.path, 'env.region', stackRegion(this) ?? 'none (env-agnostic)', 'CloudFront accepts web ACLs and certificates from us-east-1 only',
        'Give the edge stack env: { region: \'us-east-1\' } (and an account).');
    }
    this.webAcl = new EdgeWebAcl(this, 'WebAcl', props.webAcl);
    if (props.domain) {
      checkDomain(this.node.path, 'domain.domainName', props.domain.domainName, props.domain.hostedZone, true);
      this.domain = props.domain;
      this.certificate = new acm.Certificate(this, 'Certificate', {
        domainName: props.domain.domainName,
        validation: acm.CertificateValidation.fromDns(props.domain.hostedZone),
      });
    }
  }
}
