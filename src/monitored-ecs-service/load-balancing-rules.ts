import { Duration } from 'aws-cdk-lib';
import { NewLoadBalancerOptions, SharedListenerOptions } from './load-balancer';
import type { TargetHealthCheck } from './monitored-ecs-service';
import { arnRegion } from '../private/region';
import { checkRange, checkSeconds, invalid, literalSeconds, literalString } from '../private/validate';

/**
 * Target group limits of Elastic Load Balancing: deregistration delay 0-3600 s; health check
 * interval 5-300 s, timeout 2-120 s and below the interval, thresholds 2-10, success codes
 * 200-499 (one, a list, or a range); path starting with '/'.
 */
export function checkTargetGroup(path: string, hc: TargetHealthCheck, deregistrationDelay: Duration | undefined): void {
  checkSeconds(path, 'deregistrationDelay', deregistrationDelay, 0, 3600, 'a target group deregistration delay');
  const hcPath = literalString(hc.path);
  if (hcPath !== undefined && (!hcPath.startsWith('/') || hcPath.length > 1024)) {
    throw invalid(path, 'healthCheck.path', hcPath, 'a health check path starts with \'/\' and has at most 1024 characters',
      `Write it as '/${hcPath.replace(/^\/*/, '')}'.`);
  }
  checkSeconds(path, 'healthCheck.interval', hc.interval, 5, 300, 'a health check interval');
  checkSeconds(path, 'healthCheck.timeout', hc.timeout, 2, 120, 'a health check timeout');
  const interval = literalSeconds(hc.interval ?? Duration.seconds(15));
  const timeout = literalSeconds(hc.timeout ?? Duration.seconds(5));
  if (interval !== undefined && timeout !== undefined && timeout >= interval) {
    throw invalid(path, 'healthCheck.timeout', hc.timeout ?? Duration.seconds(5), `a health check timeout must be shorter than its interval (${interval} seconds)`,
      'Shorten healthCheck.timeout or lengthen healthCheck.interval.');
  }
  checkRange(path, 'healthCheck.healthyThresholdCount', hc.healthyThresholdCount, 2, 10, 'a healthy threshold', { integer: true });
  checkRange(path, 'healthCheck.unhealthyThresholdCount', hc.unhealthyThresholdCount, 2, 10, 'an unhealthy threshold', { integer: true });
  const codes = literalString(hc.healthyHttpCodes);
  if (codes !== undefined && !validCodeList(codes, 200, 499)) {
    throw invalid(path, 'healthCheck.healthyHttpCodes', codes,
      'an Application Load Balancer accepts HTTP codes from 200 to 499, as one code (200), a list (200,202) or a range (200-299)',
      'Write it like \'200-399\' or \'200,204\'.');
  }
}

/** HTTP codes as an ALB writes them, within min-max: one (200), a list (200,202) or ranges (200-299). */
export function validCodeList(codes: string, min: number, max: number): boolean {
  return codes.split(',').every((part) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    if (!m) return false;
    const low = Number(m[1]);
    const high = Number(m[2] ?? m[1]);
    return low >= min && high <= max && low <= high;
  });
}

/**
 * Load balancer attributes: idle timeout 1-4000 s; an ACM certificate from the load balancer's
 * Region; a web ACL of REGIONAL scope (a CloudFront-scope one cannot attach) from that Region.
 */
export function checkNewLoadBalancer(path: string, options: NewLoadBalancerOptions, region: string | undefined): void {
  checkSeconds(path, 'loadBalancer.idleTimeout', options.idleTimeout, 1, 4000, 'an Application Load Balancer idle timeout');
  const hsts = literalString(options.strictTransportSecurity);
  if (hsts !== undefined && !/^max-age=\d+(; ?includeSubDomains)?(; ?preload)?$/.test(hsts)) {
    throw invalid(path, 'loadBalancer.strictTransportSecurity', hsts, 'a Strict-Transport-Security value is max-age=<seconds>, then optionally includeSubDomains and preload',
      "Write it like 'max-age=31536000; includeSubDomains'.");
  }
  const certificateArn = literalString(options.certificate.certificateArn);
  const certificateRegion = certificateArn?.startsWith('arn:') ? arnRegion(certificateArn) : undefined;
  if (region && certificateRegion && certificateRegion !== region) {
    throw invalid(path, 'loadBalancer.certificate', options.certificate.certificateArn,
      `a load balancer takes ACM certificates from its own Region (${region}), and this one is from ${certificateRegion}`,
      `Request or import the certificate in ${region}.`);
  }
  const acl = literalString(options.webAclArn);
  if (acl !== undefined) {
    const scope = /:(regional|global)\/webacl\//.exec(acl)?.[1];
    const aclRegion = acl.startsWith('arn:') ? arnRegion(acl) : undefined;
    if (scope !== 'regional' || (region && aclRegion && aclRegion !== region)) {
      throw invalid(path, 'loadBalancer.webAclArn', acl,
        `a load balancer takes a WAF web ACL of REGIONAL scope from its own Region (${region ?? 'the stack\'s'}); ${scope === 'global' ? 'this one is CLOUDFRONT scope' : scope ? `this one is from ${aclRegion}` : 'this is not a WAFv2 web ACL ARN'}`,
        'Create the web ACL with scope REGIONAL in the load balancer\'s Region (a CLOUDFRONT-scope ACL belongs on a distribution).');
    }
  }
}

/**
 * Listener rule limits: priority 1-50000, at least one and at most 5 condition values, path
 * patterns starting with '/' of at most 128 characters, host names of letters, digits, '-', '.'
 * and the wildcards '*' and '?', at most 128 characters.
 */
export function checkListenerRule(path: string, rule: SharedListenerOptions): void {
  checkRange(path, 'loadBalancer.priority', rule.priority, 1, 50000, 'a listener rule priority', { integer: true });
  const paths = rule.pathPatterns ?? [];
  const hosts = rule.hostHeaders ?? [];
  if (paths.length + hosts.length === 0) {
    throw invalid(path, 'loadBalancer.pathPatterns', paths, 'a rule on a shared listener needs a condition, or it would take every request',
      'Give pathPatterns and/or hostHeaders.');
  }
  if (paths.length + hosts.length > 5) {
    throw invalid(path, 'loadBalancer.pathPatterns + hostHeaders', [...paths, ...hosts], 'a listener rule allows at most 5 condition values in total',
      'Route with fewer patterns (e.g. \'/api/*\' instead of each path), or split the service\'s routes.');
  }
  for (const p of paths.map(literalString)) {
    if (p !== undefined && (!p.startsWith('/') || p.length > 128)) {
      throw invalid(path, 'loadBalancer.pathPatterns', p, 'a path pattern starts with \'/\' and has at most 128 characters',
        `Write it as '/${p.replace(/^\/*/, '').slice(0, 127)}'.`);
    }
  }
  for (const h of hosts.map(literalString)) {
    if (h !== undefined && !/^[A-Za-z0-9*?]([A-Za-z0-9*?.-]{0,126}[A-Za-z0-9*?])?$/.test(h)) {
      throw invalid(path, 'loadBalancer.hostHeaders', h,
        'a host condition holds letters, digits, \'-\', \'.\' and the wildcards \'*\' and \'?\', at most 128 characters, with no scheme, port or path',
        'Give the bare host name, e.g. \'api.example.com\'.');
    }
  }
}
