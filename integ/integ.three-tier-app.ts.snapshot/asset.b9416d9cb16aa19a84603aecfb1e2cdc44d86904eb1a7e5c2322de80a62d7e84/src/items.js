// The item model: JSON Schemas for request bodies (validated with Ajv) and the list cursor.
import Ajv from 'ajv';
import { badRequest } from './errors.js';

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: 'string', maxLength: 2000 },
  price: { type: 'number', minimum: 0, maximum: 1e9 },
  quantity: { type: 'integer', minimum: 0, maximum: 2147483647 },
  tags: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 50 } },
};

/**
 * An item id: 1-64 letters, digits, '-', '_', '.' or '~' (URL-safe as they are), not starting with
 * '.'; case-sensitive. Clients may choose one (`"1"`, `"sku-42"`); the service generates a UUID otherwise.
 */
export const ITEM_ID = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,63}$/;

const ajv = new Ajv({ allErrors: true, strict: true });
const createSchema = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { ...fields, id: { type: 'string', pattern: ITEM_ID.source } },
});
const replaceSchema = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  // version: the one the client read; a different current version is a 409 (lost update).
  properties: { ...fields, version: { type: 'integer', minimum: 1 } },
});

function check(validate, body) {
  if (validate(body)) return body;
  const details = validate.errors.map((e) => ({
    field: e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : (e.params.missingProperty ?? e.params.additionalProperty ?? ''),
    message: e.keyword === 'additionalProperties' ? 'is not a known field' : e.message,
  }));
  throw badRequest('Request body is not a valid item', details);
}

/** The fields a store saves, from a validated body (absent optional fields are null). */
function content(body) {
  return {
    name: body.name,
    description: body.description ?? null,
    price: body.price ?? null,
    quantity: body.quantity ?? null,
    tags: body.tags ?? [],
  };
}

export function parseCreate(body) {
  check(createSchema, body);
  return { id: body.id, ...content(body) };
}

export function parseReplace(body) {
  check(replaceSchema, body);
  return { ...content(body), expectedVersion: body.version };
}

export function parseId(raw) {
  if (!ITEM_ID.test(raw)) throw badRequest('Item id must be 1-64 letters, digits, \'-\', \'_\', \'.\' or \'~\', not starting with \'.\'');
  return raw;
}

export function parseListQuery(params) {
  for (const key of params.keys()) {
    if (key !== 'limit' && key !== 'cursor') throw badRequest(`Unknown query parameter "${key}"; use limit and cursor`);
  }
  const rawLimit = params.get('limit');
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest('limit must be an integer from 1 to 100');
  const cursor = params.get('cursor');
  return { limit, cursor: cursor === null ? undefined : decodeCursor(cursor) };
}

/** Cursors are opaque to clients: base64url JSON of the store's position. */
export function encodeCursor(position) {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(raw) {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch { /* fall through */ }
  throw badRequest('cursor is not one this service returned');
}
