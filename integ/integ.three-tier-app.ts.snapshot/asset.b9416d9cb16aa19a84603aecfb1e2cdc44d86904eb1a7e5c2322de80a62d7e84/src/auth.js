// Signed-in requests: Cognito access tokens (Authorization: Bearer …), verified by aws-jwt-verify
// against the user pool's keys. Only the token's `sub` is used: it becomes the item's owner.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import * as jwtErrors from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { HttpError } from './errors.js';

/** The pool's keys could not be fetched: our problem (or Cognito's), not the client's. */
class JwksUnavailableError extends Error {}

/**
 * Fetches the JWKS for aws-jwt-verify's cache. CognitoJwtVerifier always derives the JWKS URI from
 * the pool id (a `jwksUri` property is overwritten), so COGNITO_JWKS_URI, for tests, is applied here,
 * while the verifier keeps every Cognito check (issuer, token_use, client_id). Node's fetch also
 * reads http:// URIs, which the library's own https-only fetcher does not.
 */
class JwksFetcher {
  constructor(overrideUri, timeoutMs) {
    this.overrideUri = overrideUri;
    this.timeoutMs = timeoutMs;
  }

  async fetch(uri) {
    let res;
    try {
      res = await fetch(this.overrideUri ?? uri, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new JwksUnavailableError(`JWKS request failed: ${err.cause?.code ?? err.name}`);
    }
    if (res.status !== 200) throw new JwksUnavailableError(`JWKS answered ${res.status}`);
    return res.arrayBuffer();
  }
}

/** A short reason for the client; the verifier's own message stays in our logs. */
function reason(err) {
  if (err instanceof jwtErrors.JwtExpiredError) return 'The access token has expired';
  if (err instanceof jwtErrors.JwtNotBeforeError) return 'The access token is not valid yet';
  if (err instanceof jwtErrors.CognitoJwtInvalidTokenUseError) return 'Not an access token';
  if (err instanceof jwtErrors.CognitoJwtInvalidClientIdError) return 'The access token is for another client';
  if (err instanceof jwtErrors.JwtInvalidIssuerError || /issuer/.test(err?.message ?? '')) return 'The access token is from another issuer';
  if (err instanceof jwtErrors.JwtParseError) return 'The access token is malformed';
  if (err instanceof jwtErrors.JwtInvalidSignatureError || err instanceof jwtErrors.JwtInvalidSignatureAlgorithmError
    || err instanceof jwtErrors.KidNotFoundInJwksError || err instanceof jwtErrors.WaitPeriodNotYetEndedJwkError
    || err instanceof jwtErrors.JwtWithoutValidKidError) return 'The access token signature is not valid';
  return 'The access token is not valid';
}

const unauthorized = (message, error) => new HttpError(401, 'unauthorized', message, undefined, {
  // RFC 6750: no error code when the request had no token at all.
  'www-authenticate': error ? `Bearer error="${error}", error_description="${message}"` : 'Bearer',
});

/**
 * Creates the authenticator, or undefined when COGNITO_USER_POOL_ID is not set (everything public).
 * `authenticate(req)` resolves to `{ sub }` or throws a 401 (bad or missing token) or a 503
 * (the pool's keys can't be fetched).
 */
export function createAuth(config, { log, metrics }) {
  if (!config) return undefined;
  const jwksCache = new SimpleJwksCache({ fetcher: new JwksFetcher(config.jwksUri, config.jwksTimeoutMs) });
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: 'access', clientId: config.clientId },
    { jwksCache },
  );
  const fail = (label, err) => { metrics.authFailures.inc({ reason: label }); return err; };

  return {
    readsSignedIn: config.reads === 'signed-in',

    /** Fetches the keys at start, so the first signed-in request doesn't wait for them. */
    async prefetch() {
      try {
        await verifier.hydrate();
        log.info('sign-in keys loaded', { userPoolId: config.userPoolId });
      } catch (err) {
        log.warn('sign-in keys not loaded at start; requests will retry', { error: err.message });
      }
    },

    async authenticate(req) {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer +(\S+) *$/i.exec(header);
      if (!match) throw fail('missing', unauthorized('Sign in: send Authorization: Bearer <access token>'));
      try {
        const { sub } = await verifier.verify(match[1]);
        if (typeof sub !== 'string' || sub === '') throw new Error('no sub claim');
        return { sub };
      } catch (err) {
        if (err instanceof JwksUnavailableError || err instanceof jwtErrors.JwksValidationError || err instanceof jwtErrors.JwkValidationError) {
          log.warn('sign-in keys unavailable', { error: err.message });
          throw fail('jwks_unavailable', new HttpError(503, 'unavailable', 'Sign-in is unavailable; retry shortly', undefined, { 'retry-after': '2' }));
        }
        const message = reason(err);
        log.info('token rejected', { reason: err?.name, detail: err?.message });
        throw fail('invalid_token', unauthorized(message, 'invalid_token'));
      }
    },
  };
}
