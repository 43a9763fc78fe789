import * as path from 'path';
import { Stack, aws_certificatemanager as acm, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { appVpc, newStack } from './fixtures';
import { formatFindings, nagFindings } from './helpers/nag';
import { IMAGE, defaultService } from './monitored-ecs-service.fixtures';
import { LogArchiveBucket, MonitoredEcsService, MutualTls, NewLoadBalancerOptions, ServiceLoadBalancer } from '../src';

// A standalone service's own load balancer: response headers set by the listener (HSTS, no
// server header) and mutual TLS. The CA and CRL in test/fixtures/mtls were made with openssl.

const FIXTURES = path.join(__dirname, 'fixtures', 'mtls');
const CA = path.join(FIXTURES, 'ca.pem');
const CRL = path.join(FIXTURES, 'crl.pem');

const listeners = (t: Template) => Object.values(t.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l: any) => l.Properties);
const attributesOf = (listener: any) => Object.fromEntries((listener.ListenerAttributes ?? []).map((a: any) => [a.Key, a.Value]));
const https = (t: Template) => listeners(t).find((l) => l.Protocol === 'HTTPS');
const http = (t: Template) => listeners(t).find((l) => l.Protocol === 'HTTP');

describe('listener attributes', () => {
  test('by default: HSTS for a year, nosniff, and no server header on HTTPS; no server header on the redirect', () => {
    const stack = newStack();
    defaultService(stack);
    const t = Template.fromStack(stack);
    expect(attributesOf(https(t))).toEqual({
      'routing.http.response.strict_transport_security.header_value': 'max-age=31536000; includeSubDomains',
      'routing.http.response.x_content_type_options.header_value': 'nosniff',
      'routing.http.response.server.enabled': 'false',
    });
    expect(attributesOf(http(t))).toEqual({ 'routing.http.response.server.enabled': 'false' });
  });

  test('a longer HSTS with preload, and the server header kept on request', () => {
    const stack = newStack();
    serviceWith(stack, { strictTransportSecurity: 'max-age=63072000; includeSubDomains; preload', serverHeader: true });
    const t = Template.fromStack(stack);
    expect(attributesOf(https(t))).toMatchObject({
      'routing.http.response.strict_transport_security.header_value': 'max-age=63072000; includeSubDomains; preload',
      'routing.http.response.server.enabled': 'true',
    });
    expect(attributesOf(http(t))).toEqual({ 'routing.http.response.server.enabled': 'true' });
  });

  test('a Strict-Transport-Security value browsers would not read is refused', () => {
    expect(() => serviceWith(newStack(), { strictTransportSecurity: 'max-age=1 year' }))
      .toThrow(/Test\/Api: loadBalancer.strictTransportSecurity "max-age=1 year" is invalid: a Strict-Transport-Security value is max-age=<seconds>/);
  });
});

describe('mutual TLS', () => {
  test('verify: a trust store from the CA file (a CDK asset), its CRL as a revocation, the listener verifying against it', () => {
    const stack = newStack();
    serviceWith(stack, { mutualTls: MutualTls.verify({ caBundleFile: CA, revocationListFiles: [CRL] }) });
    const t = Template.fromStack(stack);
    const trustStore = Object.entries(t.findResources('AWS::ElasticLoadBalancingV2::TrustStore'))[0];
    expect(trustStore[1].Properties.CaCertificatesBundleS3Bucket).toEqual({ 'Fn::Sub': expect.stringContaining('cdk-hnb659fds-assets-') });
    expect(trustStore[1].Properties.CaCertificatesBundleS3Key).toMatch(/^[0-9a-f]{64}\.pem$/);
    const revocation = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TrustStoreRevocation'))[0] as any;
    expect(revocation.Properties).toMatchObject({
      TrustStoreArn: { 'Fn::GetAtt': [trustStore[0], 'TrustStoreArn'] },
      RevocationContents: [{ RevocationType: 'CRL', S3Key: expect.stringMatching(/^[0-9a-f]{64}\.pem$/) }],
    });
    expect(https(t).MutualAuthentication).toEqual({
      Mode: 'verify', TrustStoreArn: { 'Fn::GetAtt': [trustStore[0], 'TrustStoreArn'] }, IgnoreClientCertificateExpiry: false, AdvertiseTrustStoreCaNames: 'off',
    });
    // The listener starts verifying only once the revocations are in: no window that admits a revoked certificate.
    const listenerId = Object.entries(t.findResources('AWS::ElasticLoadBalancingV2::Listener')).find(([, l]: [string, any]) => l.Properties.Protocol === 'HTTPS')![0];
    expect(t.toJSON().Resources[listenerId].DependsOn).toContainEqual(expect.stringMatching(/^ApiTrustStoreRevocation/));
    // The packs find nothing on what the service made (the test's VPC is the user's own).
    expect(formatFindings(nagFindings(stack).filter((f) => f.resource.startsWith('Test/Api/')))).toBe('');
  });

  test('verify: a CA bundle in a bucket of yours', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Pki', 'my-pki-bucket');
    serviceWith(stack, { mutualTls: MutualTls.verify({ caBundleBucket: bucket, caBundleKey: 'ca/bundle.pem', advertiseCaNames: true }) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TrustStore', { CaCertificatesBundleS3Bucket: 'my-pki-bucket', CaCertificatesBundleS3Key: 'ca/bundle.pem' });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TrustStoreRevocation', 0);
    expect(https(t).MutualAuthentication).toMatchObject({ Mode: 'verify', AdvertiseTrustStoreCaNames: 'on' });
  });

  test('passthrough: the chain goes to the service, no trust store', () => {
    const stack = newStack();
    serviceWith(stack, { mutualTls: MutualTls.passthrough() });
    const t = Template.fromStack(stack);
    expect(https(t).MutualAuthentication).toEqual({ Mode: 'passthrough' });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TrustStore', 0);
  });

  test.each([
    ['no CA bundle', {}, /mutualTls "verify" is invalid: a trust store needs one CA bundle: a local file, or a bucket and key/],
    ['a file and a bucket', { caBundleFile: CA, caBundleKey: 'ca.pem' }, /a trust store needs one CA bundle/],
    ['a missing file', { caBundleFile: path.join(FIXTURES, 'nope.pem') }, /mutualTls.caBundleFile ".*nope.pem" is invalid: no such file/],
    ['a DER certificate', { caBundleFile: path.join(FIXTURES, 'ca.der') }, /is invalid: the load balancer takes CA certificates as PEM \("-----BEGIN CERTIFICATE-----"\).*openssl x509 -inform DER/],
    ['a CRL that is a certificate', { caBundleFile: CA, revocationListFiles: [CA] }, /mutualTls.revocationListFiles ".*ca.pem" is invalid: the load balancer takes a certificate revocation list as PEM/],
  ])('verify refuses %s', (_name, options, message) => {
    expect(() => serviceWith(newStack(), { mutualTls: MutualTls.verify(options) })).toThrow(message);
  });
});

/** A service with its own load balancer, with these load balancer options. */
function serviceWith(stack: Stack, extra: Partial<NewLoadBalancerOptions>): MonitoredEcsService {
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111111111111:certificate/abc');
  return new MonitoredEcsService(stack, 'Api', {
    vpc: appVpc(stack),
    image: IMAGE,
    loadBalancer: ServiceLoadBalancer.newLoadBalancer({ certificate, logArchive: new LogArchiveBucket(stack, 'Archive'), ...extra }),
  });
}
