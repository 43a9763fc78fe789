// A stand-in for a Cognito user pool: an RSA key pair, its JWKS served over HTTP on loopback, and
// tokens signed with it carrying the claims Cognito puts in access and id tokens.
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

export const REGION = 'eu-west-1';
export const POOL_ID = `${REGION}_AbC123`;
export const CLIENT_ID = '1example23456789abcdefghij';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function createPool(poolId = POOL_ID) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  const issuer = `https://cognito-idp.${poolId.split('_')[0]}.amazonaws.com/${poolId}`;

  function sign(payload, header = { kid, alg: 'RS256' }) {
    const input = `${b64url(header)}.${b64url(payload)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  }

  return {
    jwks,
    issuer,
    sign,
    /** An access token as Cognito issues it; `claims` override or add to them. */
    accessToken(claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      const sub = claims.sub ?? randomUUID();
      return sign({
        sub, iss: issuer, client_id: CLIENT_ID, origin_jti: randomUUID(), event_id: randomUUID(), token_use: 'access',
        scope: 'aws.cognito.signin.user.admin', auth_time: now - 5, exp: now + 3600, iat: now - 5, jti: randomUUID(), username: `user-${sub.slice(0, 8)}`,
        ...claims,
      });
    },
    /** An id token: `aud` instead of `client_id`, token_use "id". */
    idToken(claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      return sign({
        sub: randomUUID(), aud: CLIENT_ID, iss: issuer, token_use: 'id', email_verified: true, 'cognito:username': 'someone',
        auth_time: now - 5, exp: now + 3600, iat: now - 5, jti: randomUUID(), ...claims,
      });
    },
  };
}

/** Serves the JWKS at /.well-known/jwks.json; `delayMs` makes it slow. Listens on `port` (0: any free one). */
export async function serveJwks(pool, { port = 0, delayMs = 0 } = {}) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    setTimeout(() => {
      if (req.url !== '/.well-known/jwks.json') { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pool.jwks));
    }, delayMs);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
    requests: () => requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The environment ThreeTierApp sets for a service with sign-in, plus the local JWKS. */
export const authEnv = (jwksUrl, extra = {}) => ({ COGNITO_USER_POOL_ID: POOL_ID, COGNITO_CLIENT_ID: CLIENT_ID, COGNITO_JWKS_URI: jwksUrl, ...extra });

export const bearer = (token) => ({ authorization: `Bearer ${token}` });
