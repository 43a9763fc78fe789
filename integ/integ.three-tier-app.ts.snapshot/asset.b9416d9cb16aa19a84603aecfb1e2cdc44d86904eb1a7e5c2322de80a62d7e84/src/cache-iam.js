// IAM authentication to ElastiCache (Valkey / Redis OSS): the password is a SigV4-presigned
// `GET http://<cache name>/?Action=connect&User=<user id>` for the `elasticache` service, valid
// 15 minutes and checked only at AUTH, so each (re)connect signs a new one.
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** RFC 3986 encoding, as SigV4 canonicalises it. */
const encode = (value) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Returns `async () => token`. `credentials` is an AWS credential provider (the default chain in
 * the service: the ECS task role); `now` is for tests.
 */
export function iamTokenGenerator({ cacheName, user, region, serverless, credentials, now = () => new Date() }) {
  const signer = new SignatureV4({ service: 'elasticache', region, credentials, sha256: Sha256 });
  return async () => {
    const query = { Action: 'connect', User: user, ...(serverless ? { ResourceType: 'ServerlessCache' } : {}) };
    const presigned = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: cacheName, path: '/', query, headers: { host: cacheName } },
      { expiresIn: 900, signingDate: now() },
    );
    const search = Object.entries(presigned.query).map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
    return `${cacheName}/?${search}`; // the presigned URL without "http://"
  };
}

/** The default credential chain (task role in ECS), loaded only when IAM auth is used. */
export async function defaultCredentials() {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}
