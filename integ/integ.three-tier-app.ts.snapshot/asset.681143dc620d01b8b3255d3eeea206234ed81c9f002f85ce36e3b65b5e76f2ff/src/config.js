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
