// PostgreSQL store (Aurora PostgreSQL in AWS). The schema is created at start, idempotently and
// under an advisory lock, so several tasks starting together don't race on CREATE TABLE.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { badRequest, conflict, forbidden, NETWORK_ERROR_CODES, notFound, StoreUnavailableError } from '../errors.js';
import { encodeCursor, ITEM_ID } from '../items.js';

const SCHEMA_LOCK = 7_311_504; // any constant shared by every task of this service

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS items (
    id text PRIMARY KEY,
    name text NOT NULL,
    description text,
    price double precision,
    quantity integer,
    tags text[] NOT NULL DEFAULT '{}',
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
  CREATE INDEX IF NOT EXISTS items_created_at_id ON items (created_at, id);
  -- Tables made before client-chosen ids had uuid ids: text keeps every one of them.
  DO $$ BEGIN
    IF (SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'items' AND column_name = 'id') = 'uuid' THEN
      ALTER TABLE items ALTER COLUMN id TYPE text;
    END IF;
  END $$;
  -- The signed-in user (Cognito sub) who created the item; NULL for items created without sign-in.
  ALTER TABLE items ADD COLUMN IF NOT EXISTS owner text;`;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;

// 22001 too long, 22003 out of range, 22007/22008 bad datetime (a forged cursor), 22021 NUL byte,
// 22P02 invalid text representation, 22P05 untranslatable character.
const CLIENT_DATA_CODES = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

const COLUMNS = 'id, name, description, price, quantity, tags, version, created_at, updated_at, owner';

// Group commit (see create): a batch is one INSERT, so one transaction and one WAL flush for many
// POSTs. Bounded in items and in JSON characters (a body may be up to MAX_BODY_BYTES), so one
// batch never makes a huge statement. One batch at a time: batches commit in arrival order, and
// 64 items a round trip is far more than a task gets (two at a time measured no faster).
const WRITE_BATCH_ITEMS = 64;
const WRITE_BATCH_CHARS = 1 << 20;
// Creates waiting behind the batch being written: past this the database is not keeping up, and a
// 503 now (the client may retry) beats an answer after the caller has given up.
const WRITE_QUEUE_MAX = 1024;

// The batch's rows arrive as one JSON array, so the statement's text (prepared once) doesn't vary
// with the batch's size. Rows come out in array order: created_at (clock_timestamp, per row) keeps
// the order the requests arrived in. ON CONFLICT: a taken id skips that row only (its 409), instead
// of failing everyone's; a second POST of one id in the same batch is skipped the same way.
const INSERT_BATCH = `INSERT INTO items (id, name, description, price, quantity, tags, owner)
  SELECT id, name, description, price, quantity, tags, owner FROM json_to_recordset($1::json)
    AS x(id text, name text, description text, price double precision, quantity integer, tags text[], owner text)
  ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`;

/**
 * Whether a row's strings travel through JSON exactly as through a text parameter. NUL (refused by
 * PostgreSQL either way) and lone surrogates (stored as U+FFFD from a text parameter, refused in
 * JSON) would fail the whole batch: such a row is inserted alone, with the answer it always had.
 */
function batchable(row) {
  const ok = (s) => typeof s !== 'string' || (s.isWellFormed() && !s.includes('\0'));
  return ok(row.id) && ok(row.name) && ok(row.description) && ok(row.owner) && (row.tags ?? []).every(ok);
}

// Connection-level failures (server down, restarting, out of connections), not bad queries.
// 57014: statement timeout; 25006: read-only transaction (a writer that became a reader in an Aurora failover).
const UNAVAILABLE_CODES = new Set([...NETWORK_ERROR_CODES,
  '57P01', '57P02', '57P03', '57014', '53300', '25006', '08000', '08001', '08003', '08004', '08006']);

export function isUnavailable(err) {
  return UNAVAILABLE_CODES.has(err?.code)
    || /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(err?.message ?? '');
}

function toItem(row) {
  const item = { id: row.id, name: row.name, tags: row.tags, version: row.version,
    createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
  for (const key of ['description', 'price', 'quantity', 'owner']) if (row[key] !== null) item[key] = row[key];
  return item;
}

/** Why a conditional write matched no row: gone (404), someone else's (403), or a stale version (409). */
async function explainMiss(store, id, owner, expectedVersion) {
  const current = await store.get(id); // 404 when it is gone
  if (owner !== undefined && current.owner !== owner) {
    throw forbidden(current.owner === undefined ? `Item ${id} has no owner: only an operator can change it` : `Item ${id} belongs to another user`);
  }
  if (expectedVersion === undefined) throw conflict(`Item ${id} changed meanwhile: retry`);
  throw conflict(`Item ${id} is at version ${current.version}, not ${expectedVersion}: read it again and retry`);
}

/** Password sources: a fixed one, the RDS-managed secret (re-read after rotation), or an IAM token. */
async function passwordProvider(config) {
  if (config.iamAuth) {
    const { Signer } = await import('@aws-sdk/rds-signer');
    const signer = new Signer({ hostname: config.host, port: config.port, username: config.user, region: config.region });
    return () => signer.getAuthToken(); // valid 15 minutes; pg asks for one per new connection
  }
  if (config.secretArn) {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({ region: config.region });
    let cached = config.password; // DB_PASSWORD from the task definition, if given
    let readAt = cached ? Date.now() : 0;
    const provider = async () => {
      if (!cached || Date.now() - readAt > 5 * 60_000) {
        try {
          const out = await client.send(new GetSecretValueCommand({ SecretId: config.secretArn }));
          cached = JSON.parse(out.SecretString).password;
          readAt = Date.now();
        } catch (err) {
          if (!cached) throw err; // nothing to fall back on
          // Throttled or unreachable: the password we have is most likely still valid.
        }
      }
      return cached;
    };
    provider.invalidate = () => { readAt = 0; };
    return provider;
  }
  return config.password;
}

export class PostgresStore {
  static async create(config, log) {
    const password = await passwordProvider(config);
    const pool = new pg.Pool({
      connectionString: config.connectionString,
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      password,
      ssl: config.ssl?.options,
      max: config.poolMax,
      connectionTimeoutMillis: config.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: 10_000,
      // A connection that stops answering (a black-holed host, a failover without a reset) fails its
      // query here rather than when TCP gives up minutes later: creates wait on one batch at a time.
      query_timeout: 12_000,
      keepAlive: true,
      application_name: 'items-service',
      // Plan each execution of the prepared statements with the table as it is now. A generic plan,
      // which PostgreSQL keeps after five runs, is fixed at the table's size then: made while the
      // table is small (a new deployment, a benchmark's first seconds), `id = ANY($1)` stays a
      // sequential scan as the table grows until autovacuum analyzes it, and reads slow down 5x.
      options: '-c plan_cache_mode=force_custom_plan',
    });
    return new PostgresStore(pool, password, log);
  }

  constructor(pool, password, log) {
    this.pool = pool;
    this.password = password;
    this.log = log;
    this.kind = 'postgres';
    this.schemaReady = undefined;
    this.batch = undefined; // reads waiting for the next batched query (see get)
    this.writes = []; // creates waiting for the next batched INSERT (see create)
    this.writing = false; // a batch is being written, or is about to be (after this turn's creates)
    // An idle client whose server went away emits here; without a listener the process would crash.
    pool.on('error', (err) => log.warn('idle database connection lost', { error: err.message }));
  }

  /**
   * Runs a query, creating the schema first if needed; connection failures become StoreUnavailableError.
   * A `name` makes it a prepared statement: each connection parses and plans it once, not per request.
   */
  async query(text, values, name) {
    try {
      if (!this.schemaReady) this.schemaReady = this.ensureSchema().catch((err) => { this.schemaReady = undefined; throw err; });
      await this.schemaReady;
      return await this.pool.query(name ? { name, text, values } : text, name ? undefined : values);
    } catch (err) {
      if (err?.code === '28P01' && typeof this.password?.invalidate === 'function') this.password.invalidate(); // rotated
      if (isUnavailable(err) || err?.code === '28P01') throw new StoreUnavailableError(err);
      // Data exceptions a client's values can cause (e.g. a NUL character in a string); others stay 500s.
      if (CLIENT_DATA_CODES.has(err?.code)) throw badRequest('A value in the request is not one the database can store');
      throw err;
    }
  }

  async ensureSchema() {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('COMMIT');
      this.log.info('schema ready', { store: 'postgres' });
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async ping() {
    await this.query('SELECT 1');
  }

  /**
   * Creates an item. Creates that arrive in the same turn of the event loop, or while a batch is
   * being written, share one INSERT (group commit): one transaction, one WAL flush, one round trip
   * for many requests. Each still gets its own answer: its row, or a 409 for a taken id. When the
   * batch fails for any other reason, its items are inserted again one by one, so only a bad
   * item's request fails, with the error it would have had alone; when the database is
   * unreachable, every request gets the 503 at once.
   */
  create(item) {
    const row = { id: item.id ?? randomUUID(), name: item.name, description: item.description, price: item.price,
      quantity: item.quantity, tags: item.tags, owner: item.owner ?? null };
    if (!batchable(row)) return this.insertOne(row);
    if (this.writes.length >= WRITE_QUEUE_MAX) {
      return Promise.reject(new StoreUnavailableError(new Error(`${this.writes.length} creates are already waiting for the database`)));
    }
    return new Promise((resolve, reject) => {
      this.writes.push({ row, json: JSON.stringify(row), resolve, reject });
      this.scheduleWrites();
    });
  }

  /** The first create of a turn starts a batch after the turn; later ones join the batch after the one being written. */
  scheduleWrites() {
    if (this.writing) return;
    this.writing = true;
    setImmediate(() => this.writeNext());
  }

  writeNext() {
    if (this.writes.length === 0) {
      this.writing = false;
      return;
    }
    let chars = 0;
    let n = 0;
    // At least one item, however large; then as many as fit both bounds.
    while (n < this.writes.length && n < WRITE_BATCH_ITEMS && (n === 0 || chars + this.writes[n].json.length <= WRITE_BATCH_CHARS)) {
      chars += this.writes[n].json.length;
      n++;
    }
    const batch = this.writes.splice(0, n);
    this.writeBatch(batch)
      .catch((err) => { for (const { reject } of batch) reject(err); })
      .finally(() => this.writeNext()); // the creates that came meanwhile, or the rest of a long queue
  }

  async writeBatch(batch) {
    if (batch.length === 1) {
      const [{ row, resolve, reject }] = batch;
      return this.insertOne(row).then(resolve, reject);
    }
    let rows;
    try {
      ({ rows } = await this.query(INSERT_BATCH, [`[${batch.map((w) => w.json).join(',')}]`], 'items-create-batch'));
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        for (const { reject } of batch) reject(err);
        return undefined;
      }
      // Nothing of the batch was written: each item alone, in order, gets the answer it would have had.
      this.log.warn('batched insert failed; inserting its items one by one', { items: batch.length, error: err.message });
      for (const { row, resolve, reject } of batch) await this.insertOne(row).then(resolve, reject);
      return undefined;
    }
    const inserted = new Map(rows.map((r) => [r.id, r]));
    for (const { row, resolve, reject } of batch) {
      const saved = inserted.get(row.id);
      inserted.delete(row.id); // a second create of the same id in this batch was skipped: 409
      saved ? resolve(toItem(saved)) : reject(conflict(`An item with id ${row.id} already exists`));
    }
    return undefined;
  }

  async insertOne(row) {
    try {
      const { rows } = await this.query(
        `INSERT INTO items (id, name, description, price, quantity, tags, owner) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [row.id, row.name, row.description, row.price, row.quantity, row.tags, row.owner], 'items-create');
      return toItem(rows[0]);
    } catch (err) {
      if (err?.code === '23505') throw conflict(`An item with id ${row.id} already exists`);
      throw err;
    }
  }

  /**
   * Reads one item. Reads that arrive in the same turn of the event loop share one query
   * (`id = ANY($1)`): under load one round trip answers many requests, and PostgreSQL runs one
   * statement instead of many. Each read still sees only committed rows, as a query of its own would.
   */
  get(id) {
    if (!this.batch) {
      this.batch = new Map();
      setImmediate(() => this.readBatch());
    }
    return new Promise((resolve, reject) => {
      const waiting = this.batch.get(id);
      if (waiting) waiting.push({ resolve, reject });
      else this.batch.set(id, [{ resolve, reject }]);
    });
  }

  async readBatch() {
    const batch = this.batch;
    this.batch = undefined;
    try {
      const ids = [...batch.keys()];
      const { rows } = ids.length === 1
        ? await this.query(`SELECT ${COLUMNS} FROM items WHERE id = $1`, ids, 'items-get')
        : await this.query(`SELECT ${COLUMNS} FROM items WHERE id = ANY($1::text[])`, [ids], 'items-get-many');
      const found = new Map(rows.map((row) => [row.id, row]));
      for (const [id, waiting] of batch) {
        const row = found.get(id);
        for (const { resolve, reject } of waiting) row ? resolve(toItem(row)) : reject(notFound());
      }
    } catch (err) {
      for (const waiting of batch.values()) for (const { reject } of waiting) reject(err);
    }
  }

  /**
   * `owner`, when given (sign-in on), must be the item's owner: checked in the same statement as the
   * write, so a change of hands between a check and the write can't slip through. NULL owners never match.
   */
  async replace(id, item, owner) {
    const { rows } = await this.query(
      `UPDATE items SET name = $2, description = $3, price = $4, quantity = $5, tags = $6,
         version = version + 1, updated_at = clock_timestamp()
       WHERE id = $1 AND ($7::integer IS NULL OR version = $7) AND ($8::text IS NULL OR owner = $8) RETURNING ${COLUMNS}`,
      [id, item.name, item.description, item.price, item.quantity, item.tags, item.expectedVersion ?? null, owner ?? null], 'items-replace');
    if (rows.length === 1) return toItem(rows[0]);
    return explainMiss(this, id, owner, item.expectedVersion);
  }

  async delete(id, owner) {
    const { rowCount } = await this.query('DELETE FROM items WHERE id = $1 AND ($2::text IS NULL OR owner = $2)', [id, owner ?? null], 'items-delete');
    if (rowCount === 1) return;
    if (owner === undefined) throw notFound();
    await explainMiss(this, id, owner);
  }

  /** Keyset pagination in creation order: stable under concurrent inserts and deletes. */
  async list({ limit, cursor }) {
    let rows;
    if (cursor) {
      if (typeof cursor.c !== 'string' || !TIMESTAMP.test(cursor.c) || typeof cursor.i !== 'string' || !ITEM_ID.test(cursor.i)) {
        throw badRequest('cursor is not one this service returned');
      }
      // A cursor with an impossible timestamp (month 13) is a data exception: 400 from query().
      ({ rows } = await this.query(
        `SELECT ${COLUMNS}, created_at::text AS created_at_text FROM items WHERE (created_at, id) > ($1::timestamptz, $2::text) ORDER BY created_at, id LIMIT $3`,
        [cursor.c, cursor.i, limit + 1]));
    } else {
      ({ rows } = await this.query(`SELECT ${COLUMNS}, created_at::text AS created_at_text FROM items ORDER BY created_at, id LIMIT $1`, [limit + 1]));
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // Microsecond precision: a Date would round created_at to milliseconds and skip rows.
    const nextCursor = rows.length > limit ? encodeCursor({ c: last.created_at_text, i: last.id }) : null;
    return { items: page.map(toItem), nextCursor };
  }

  poolStats() {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close() {
    await this.pool.end();
  }
}
