// Configuration from the environment. ThreeTierApp sets DB_* (Aurora) or DYNAMODB_TABLE; with
// neither, the service runs on an embedded PostgreSQL so `npm start` needs no setup.
import fs from 'node:fs';

const DEFAULT_CA = '/app/certs/rds-global-bundle.pem';

export class ConfigError extends Error {}

function int(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

function bool(env, name, fallback) {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function oneOf(env, name, choices, fallback) {
  const raw = env[name] || fallback;
  if (!choices.includes(raw)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw;
}

function basePath(raw) {
  if (!raw || raw === '/') return '';
  if (!/^\/[A-Za-z0-9._~\-/]*[^/]$/.test(raw)) throw new ConfigError(`BASE_PATH must start with "/" and not end with one, got "${raw}"`);
  return raw;
}

/** TLS to PostgreSQL: verify the server certificate against the RDS bundle when it is there. */
function ssl(env) {
  const ca = env.DB_SSL_CA ?? DEFAULT_CA;
  const hasCa = fs.existsSync(ca);
  const mode = oneOf(env, 'DB_SSL', ['verify', 'require', 'off'], env.DB_HOST ? (hasCa ? 'verify' : 'require') : 'off');
  if (mode === 'off') return { mode };
  if (mode === 'require') return { mode, options: { rejectUnauthorized: false } };
  if (!hasCa) throw new ConfigError(`DB_SSL=verify needs the CA bundle at ${ca} (set DB_SSL_CA)`);
  return { mode, options: { rejectUnauthorized: true, ca: fs.readFileSync(ca, 'utf8') } };
}

/** Pool settings, for Aurora, any PostgreSQL and the embedded one alike. */
function pool(env) {
  return { poolMax: int(env, 'DB_POOL_MAX', 10, 1, 100), connectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 2000, 100, 60000) };
}

function postgres(env) {
  if (env.DB_ENGINE && env.DB_ENGINE !== 'postgres') {
    throw new ConfigError(`DB_ENGINE=${env.DB_ENGINE} is not supported: the items service stores items in PostgreSQL or DynamoDB`);
  }
  const iamAuth = bool(env, 'DB_IAM_AUTH', false);
  const base = pool(env);
  if (env.DATABASE_URL) return { ...base, kind: 'postgres', connectionString: env.DATABASE_URL, ssl: ssl(env), iamAuth: false };
  for (const name of ['DB_HOST', 'DB_NAME', 'DB_USER']) {
    if (!env[name]) throw new ConfigError(`${name} is required for the postgres store (or set DATABASE_URL)`);
  }
  if (!iamAuth && !env.DB_PASSWORD && !env.DB_SECRET_ARN) {
    throw new ConfigError('Set DB_PASSWORD, DB_SECRET_ARN or DB_IAM_AUTH=true for the postgres store');
  }
  const sslConfig = ssl(env);
  if (iamAuth && sslConfig.mode === 'off') throw new ConfigError('DB_IAM_AUTH=true needs TLS: remove DB_SSL=off');
  return {
    ...base,
    kind: 'postgres',
    host: env.DB_HOST,
    port: int(env, 'DB_PORT', 5432, 1, 65535),
    database: env.DB_NAME,
    user: env.DB_USER,
    password: env.DB_PASSWORD,
    secretArn: env.DB_SECRET_ARN,
    iamAuth,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    ssl: sslConfig,
  };
}

// What aws-jwt-verify accepts as a pool id: <region>_<id>.
const USER_POOL_ID = /^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d_[a-zA-Z0-9]+$/;

/** Signed-in writes, when ThreeTierApp gives the service a Cognito user pool; undefined otherwise. */
function auth(env) {
  const reads = oneOf(env, 'AUTH_READS', ['public', 'signed-in'], 'public');
  if (!env.COGNITO_USER_POOL_ID) {
    for (const name of ['COGNITO_CLIENT_ID', 'COGNITO_JWKS_URI']) {
      if (env[name]) throw new ConfigError(`${name} is set but COGNITO_USER_POOL_ID is not: set both, or neither`);
    }
    if (reads === 'signed-in') throw new ConfigError('AUTH_READS=signed-in needs COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID');
    return undefined;
  }
  if (!USER_POOL_ID.test(env.COGNITO_USER_POOL_ID)) {
    throw new ConfigError(`COGNITO_USER_POOL_ID must look like eu-west-1_AbC123, got "${env.COGNITO_USER_POOL_ID}"`);
  }
  if (!env.COGNITO_CLIENT_ID) throw new ConfigError('COGNITO_USER_POOL_ID needs COGNITO_CLIENT_ID (the app client whose access tokens are accepted)');
  const jwksUri = env.COGNITO_JWKS_URI || undefined;
  if (jwksUri && !/^https?:\/\/\S+$/.test(jwksUri)) throw new ConfigError(`COGNITO_JWKS_URI must be an http(s) URL, got "${jwksUri}"`);
  return {
    userPoolId: env.COGNITO_USER_POOL_ID,
    clientId: env.COGNITO_CLIENT_ID,
    jwksUri,
    jwksTimeoutMs: int(env, 'COGNITO_JWKS_TIMEOUT_MS', 3000, 100, 30000),
    reads,
  };
}

/** The read-through cache (Valkey / Redis), when ThreeTierApp gives the service one; undefined otherwise. */
function cache(env) {
  if (!env.CACHE_HOST) {
    for (const name of ['CACHE_AUTH', 'CACHE_PASSWORD', 'CACHE_NAME']) {
      if (env[name]) throw new ConfigError(`${name} is set but CACHE_HOST is not: set CACHE_HOST, or remove ${name}`);
    }
    return undefined;
  }
  const auth = oneOf(env, 'CACHE_AUTH', ['none', 'password', 'iam'], 'none');
  const config = {
    host: env.CACHE_HOST,
    port: int(env, 'CACHE_PORT', 6379, 1, 65535),
    tls: bool(env, 'CACHE_TLS', false),
    auth,
    user: env.CACHE_USER || undefined,
    password: env.CACHE_PASSWORD || undefined,
    name: env.CACHE_NAME || undefined,
    serverless: bool(env, 'CACHE_SERVERLESS', false),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    ttlSeconds: int(env, 'CACHE_TTL_SECONDS', 300, 1, 86400),
    timeoutMs: int(env, 'CACHE_TIMEOUT_MS', 100, 10, 10000),
  };
  if (auth === 'password' && !config.password) throw new ConfigError('CACHE_AUTH=password needs CACHE_PASSWORD');
  if (auth === 'iam') {
    for (const name of ['CACHE_USER', 'CACHE_NAME']) if (!env[name]) throw new ConfigError(`CACHE_AUTH=iam needs ${name}`);
    if (!config.region) throw new ConfigError('CACHE_AUTH=iam needs AWS_REGION to sign its token');
    if (!config.tls) throw new ConfigError('CACHE_AUTH=iam needs CACHE_TLS=true (ElastiCache accepts IAM authentication over TLS only)');
  }
  return config;
}

export function loadConfig(env = process.env) {
  const store = oneOf(env, 'ITEMS_STORE', ['postgres', 'dynamodb', 'embedded'],
    env.DATABASE_URL || env.DB_HOST ? 'postgres' : env.DYNAMODB_TABLE ? 'dynamodb' : 'embedded');
  const config = {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    basePath: basePath(env.BASE_PATH),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    // After SIGTERM: keep answering (with Connection: close) this long, then stop accepting.
    drainMs: int(env, 'SHUTDOWN_DRAIN_MS', 1000, 0, 120000),
    // Then wait at most this long for in-flight requests (ECS sends SIGKILL after its stopTimeout, 30 s).
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 20000, 0, 120000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    auth: auth(env),
    cache: cache(env),
  };
  if (store === 'postgres') return { ...config, store: postgres(env) };
  if (store === 'dynamodb') {
    if (!env.DYNAMODB_TABLE) throw new ConfigError('DYNAMODB_TABLE is required for the dynamodb store');
    const endpoint = env.DYNAMODB_ENDPOINT || undefined;
    return {
      ...config,
      store: {
        kind: 'dynamodb',
        table: env.DYNAMODB_TABLE,
        endpoint,
        region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpoint ? 'local' : undefined),
        // In AWS the table belongs to the stack; only a local endpoint gets it created here.
        createTable: bool(env, 'DYNAMODB_CREATE_TABLE', endpoint !== undefined),
      },
    };
  }
  return {
    ...config,
    store: { ...pool(env), kind: 'embedded', dataDir: env.EMBEDDED_PG_DIR || undefined, port: int(env, 'EMBEDDED_PG_PORT', 54320, 1, 65535) },
  };
}
