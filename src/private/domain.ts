import { Token, aws_route53 as route53 } from 'aws-cdk-lib';
import { invalid } from './validate';

/**
 * A literal domain is a bare DNS name (no scheme, port or path; labels of 1-63 letters, digits or
 * '-', not starting or ending with '-'; an optional leading '*.' wildcard; 253 characters at most)
 * inside the hosted zone that validates its certificate and holds its alias records. When we
 * request the certificate, ACM's 64-character limit on its domain name applies too.
 */
export function checkDomain(path: string, prop: string, domainName: string, hostedZone: route53.IHostedZone, certificate: boolean): void {
  if (Token.isUnresolved(domainName)) return;
  const name = domainName.replace(/\.$/, '');
  const labels = name.replace(/^\*\./, '').split('.');
  const bare = name.length <= 253 && labels.length >= 2 && labels.every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
  if (!bare) {
    const hint = name.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');
    throw invalid(path, prop, domainName,
      'a domain is a bare DNS name: no scheme, port or path, labels of 1-63 letters, digits or \'-\' (not at either end), 253 characters at most',
      `Give it as '${hint || 'www.example.com'}'.`);
  }
  const zone = Token.isUnresolved(hostedZone.zoneName) ? undefined : hostedZone.zoneName.replace(/\.$/, '').toLowerCase();
  const lower = name.toLowerCase();
  if (zone !== undefined && lower !== zone && !lower.endsWith(`.${zone}`)) {
    throw invalid(path, prop, domainName, `the domain is not inside the hosted zone ${zone}, which validates its certificate and holds its alias records`,
      `Use a name ending in '${zone}', or pass the hosted zone that holds ${name}.`);
  }
  if (certificate && name.length > 64) {
    throw invalid(path, prop, domainName, 'ACM names a certificate\'s domain in at most 64 characters',
      'Use a shorter domain, or bring a certificate (e.g. for a shorter wildcard) through domain.certificate.');
  }
}
