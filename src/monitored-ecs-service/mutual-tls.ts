import * as fs from 'fs';
import { Token, aws_elasticloadbalancingv2 as elbv2, aws_s3 as s3, aws_s3_assets as s3assets } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid } from '../private/validate';

/** Where a trust store's CA bundle and revocation lists come from, and how expiry is treated. */
export interface MutualTlsVerifyOptions {
  /**
   * A local PEM file of the CA certificates clients' certificates must chain to; uploaded as a CDK
   * asset when the app deploys. Give this or `caBundleBucket` with `caBundleKey`.
   * @default - `caBundleBucket` and `caBundleKey`
   */
  readonly caBundleFile?: string;
  /**
   * A bucket of yours that holds the CA bundle (the deploying role must be able to read it).
   * @default - `caBundleFile`
   */
  readonly caBundleBucket?: s3.IBucket;
  /**
   * Key of the CA bundle in `caBundleBucket`.
   * @default - `caBundleFile`
   */
  readonly caBundleKey?: string;
  /**
   * Local PEM files of certificate revocation lists (CRLs) of those CAs; uploaded as assets.
   * @default - no revocation list
   */
  readonly revocationListFiles?: string[];
  /**
   * Accept client certificates that have expired (still checked against the CAs).
   * @default false
   */
  readonly ignoreClientCertificateExpiry?: boolean;
  /**
   * Send the trust store's CA names to clients in the TLS handshake, so they pick the right certificate.
   * @default false
   */
  readonly advertiseCaNames?: boolean;
}

/** Mutual TLS on the HTTPS listener of a service's own load balancer. */
export abstract class MutualTls {
  /**
   * The load balancer verifies each client certificate against a trust store (a CA bundle and
   * optional revocation lists) and refuses the connection otherwise; the certificate's details
   * reach the service in `X-Amzn-Mtls-Clientcert-*` headers.
   */
  public static verify(options: MutualTlsVerifyOptions): MutualTls {
    return new Verify(options);
  }

  /**
   * The load balancer asks for a client certificate and passes the whole chain to the service in
   * the `X-Amzn-Mtls-Clientcert` header, unverified: the service must verify it.
   */
  public static passthrough(): MutualTls {
    return new Passthrough();
  }

  /** @internal Whether a connection without a client certificate is refused. */
  public abstract readonly _verifies: boolean;

  /** @internal Check the options before anything is created. */
  public abstract _validate(path: string): void;

  /** @internal Create the trust store (and its revocations) and give the listener's setting. */
  public abstract _bind(scope: Construct): elbv2.MutualAuthentication;
}

class Passthrough extends MutualTls {
  public readonly _verifies = false;
  public _validate(): void {}

  public _bind(): elbv2.MutualAuthentication {
    return { mutualAuthenticationMode: elbv2.MutualAuthenticationMode.PASS_THROUGH };
  }
}

class Verify extends MutualTls {
  public readonly _verifies = true;
  constructor(private readonly options: MutualTlsVerifyOptions) { super(); }

  public _validate(path: string): void {
    const o = this.options;
    const inBucket = o.caBundleBucket !== undefined || o.caBundleKey !== undefined;
    if ((o.caBundleFile === undefined) === !inBucket || (inBucket && (!o.caBundleBucket || !o.caBundleKey))) {
      throw invalid(path, 'mutualTls', 'verify', 'a trust store needs one CA bundle: a local file, or a bucket and key',
        'Give caBundleFile, or caBundleBucket with caBundleKey.');
    }
    if (o.caBundleFile !== undefined) checkPem(path, 'mutualTls.caBundleFile', o.caBundleFile, 'CERTIFICATE', 'CA certificates');
    for (const file of o.revocationListFiles ?? []) checkPem(path, 'mutualTls.revocationListFiles', file, 'X509 CRL', 'a certificate revocation list');
  }

  public _bind(scope: Construct): elbv2.MutualAuthentication {
    const o = this.options;
    const bundle = o.caBundleFile !== undefined
      ? new s3assets.Asset(scope, 'TrustStoreCaBundle', { path: o.caBundleFile })
      : undefined;
    const trustStore = new elbv2.TrustStore(scope, 'TrustStore', {
      bucket: bundle ? bundle.bucket : o.caBundleBucket!,
      key: bundle ? bundle.s3ObjectKey : o.caBundleKey!,
    });
    const lists = o.revocationListFiles ?? [];
    if (lists.length > 0) {
      new elbv2.TrustStoreRevocation(scope, 'TrustStoreRevocation', {
        trustStore,
        revocationContents: lists.map((file, i) => {
          const crl = new s3assets.Asset(scope, `RevocationList${i + 1}`, { path: file });
          return { bucket: crl.bucket, key: crl.s3ObjectKey, revocationType: elbv2.RevocationType.CRL };
        }),
      });
    }
    return {
      mutualAuthenticationMode: elbv2.MutualAuthenticationMode.VERIFY,
      trustStore,
      ignoreClientCertificateExpiry: o.ignoreClientCertificateExpiry ?? false,
      advertiseTrustStoreCaNames: o.advertiseCaNames ?? false,
    };
  }
}

/** Throw unless a local file exists and holds PEM blocks of the kind the load balancer takes. */
function checkPem(path: string, prop: string, file: string, label: string, what: string): void {
  if (Token.isUnresolved(file)) return;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw invalid(path, prop, file, 'no such file', `Give the path of a PEM file of ${what}.`);
  }
  if (!fs.readFileSync(file, 'utf8').includes(`-----BEGIN ${label}-----`)) {
    throw invalid(path, prop, file, `the load balancer takes ${what} as PEM ("-----BEGIN ${label}-----"), and this file has none`,
      `Convert it, e.g. with openssl ${label === 'X509 CRL' ? 'crl' : 'x509'} -inform DER -outform PEM.`);
  }
}
