// DynamoDB store: one item per row, partition key `pk` = the item id (ThreeTierApp's default key).
// Versions use conditional writes, so concurrent replaces never lose an update.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { badRequest, conflict, forbidden, NETWORK_ERROR_CODES, notFound, StoreUnavailableError } from '../errors.js';
import { encodeCursor, ITEM_ID } from '../items.js';

const UNAVAILABLE_NAMES = new Set(['TimeoutError', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded',
  'InternalServerError', 'ServiceUnavailable', 'ResourceNotFoundException']);

export function isUnavailable(err) {
  return UNAVAILABLE_NAMES.has(err?.name) || NETWORK_ERROR_CODES.has(err?.code) || (err?.$metadata?.httpStatusCode ?? 0) >= 500
    || NETWORK_ERROR_CODES.has(err?.cause?.code);
}

const isConditionFailure = (err) => err?.name === 'ConditionalCheckFailedException';

function toItem(row) {
  const item = { id: row.pk, name: row.name, tags: row.tags ?? [], version: row.version, createdAt: row.createdAt, updatedAt: row.updatedAt };
  for (const key of ['description', 'price', 'quantity', 'owner']) if (row[key] !== undefined && row[key] !== null) item[key] = row[key];
  return item;
}

/** Attributes to store: nulls and empty lists are left out (DynamoDB has no use for them). */
function attributes(item) {
  const out = { name: item.name };
  for (const key of ['description', 'price', 'quantity']) if (item[key] !== null) out[key] = item[key];
  if (item.tags.length > 0) out.tags = item.tags;
  return out;
}

export class DynamoDbStore {
  static async create(config, log) {
    const client = new DynamoDBClient({
      region: config.region,
      endpoint: config.endpoint,
      // Fail over to a 503 quickly instead of holding the request for the SDK's default retries.
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
      ...(config.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
    return new DynamoDbStore(client, config, log);
  }

  constructor(client, config, log) {
    this.client = client;
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = config.table;
    this.createTable = config.createTable;
    this.log = log;
    this.kind = 'dynamodb';
    this.tableReady = undefined;
  }

  async send(command) {
    try {
      if (!this.tableReady) this.tableReady = this.ensureTable().catch((err) => { this.tableReady = undefined; throw err; });
      await this.tableReady;
      return await this.doc.send(command);
    } catch (err) {
      if (isUnavailable(err)) throw new StoreUnavailableError(err);
      // Numbers DynamoDB can't store (e.g. 1e-131) are the client's to fix; other validation errors
      // (a table whose key isn't `pk`) are ours and stay 500s, so alarms see them.
      if (err?.name === 'ValidationException' && /number|significant digits/i.test(err.message)) {
        throw badRequest('A number in the request is outside what DynamoDB stores');
      }
      throw err;
    }
  }

  /** In AWS the stack owns the table; locally (DYNAMODB_CREATE_TABLE) it is created once. */
  async ensureTable() {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.table }));
    } catch (err) {
      if (err?.name !== 'ResourceNotFoundException' || !this.createTable) throw err;
      try {
        await this.client.send(new CreateTableCommand({
          TableName: this.table,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }));
      } catch (createErr) {
        if (createErr?.name !== 'ResourceInUseException') throw createErr; // another task created it
      }
      await waitUntilTableExists({ client: this.client, maxWaitTime: 60, minDelay: 1 }, { TableName: this.table });
    }
    this.log.info('schema ready', { store: 'dynamodb', table: this.table });
  }

  async ping() {
    await this.send(new GetCommand({ TableName: this.table, Key: { pk: '__readyz__' } }));
  }

  async create(input) {
    const now = new Date().toISOString();
    // owner: the signed-in user's Cognito sub; absent for items created without sign-in.
    const row = { pk: input.id ?? randomUUID(), ...attributes(input), version: 1, createdAt: now, updatedAt: now, owner: input.owner };
    try {
      await this.send(new PutCommand({ TableName: this.table, Item: row, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (isConditionFailure(err)) throw conflict(`An item with id ${row.pk} already exists`);
      throw err;
    }
    return toItem(row);
  }

  async get(id) {
    const { Item } = await this.send(new GetCommand({ TableName: this.table, Key: { pk: id }, ConsistentRead: true }));
    if (!Item) throw notFound();
    return toItem(Item);
  }

  /** Why a conditional write failed: gone (404), someone else's (403), or a stale version (409). */
  async explainMiss(id, owner, expectedVersion) {
    const current = await this.get(id); // 404 when it is gone
    if (owner !== undefined && current.owner !== owner) {
      throw forbidden(current.owner === undefined ? `Item ${id} has no owner: only an operator can change it` : `Item ${id} belongs to another user`);
    }
    if (expectedVersion === undefined) throw conflict(`Item ${id} changed meanwhile: retry`);
    throw conflict(`Item ${id} is at version ${current.version}, not ${expectedVersion}: read it again and retry`);
  }

  /** `owner`, when given (sign-in on), must be the item's owner; checked by the write's own condition. */
  async replace(id, input, owner) {
    const set = attributes(input);
    const removed = ['description', 'price', 'quantity', 'tags'].filter((key) => !(key in set));
    const names = { '#v': 'version', '#u': 'updatedAt' };
    const values = { ':one': 1, ':now': new Date().toISOString() };
    const assignments = ['#v = #v + :one', '#u = :now'];
    Object.entries(set).forEach(([key, value], i) => {
      names[`#a${i}`] = key;
      values[`:a${i}`] = value;
      assignments.push(`#a${i} = :a${i}`);
    });
    removed.forEach((key, i) => { names[`#r${i}`] = key; });
    let condition = 'attribute_exists(pk)';
    if (input.expectedVersion !== undefined) {
      condition += ' AND #v = :expected';
      values[':expected'] = input.expectedVersion;
    }
    if (owner !== undefined) {
      condition += ' AND #o = :owner'; // OWNER is a DynamoDB reserved word
      names['#o'] = 'owner';
      values[':owner'] = owner;
    }
    const update = `SET ${assignments.join(', ')}${removed.length ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''}`;
    try {
      const { Attributes } = await this.send(new UpdateCommand({
        TableName: this.table, Key: { pk: id }, UpdateExpression: update, ConditionExpression: condition,
        ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: 'ALL_NEW',
      }));
      return toItem(Attributes);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return this.explainMiss(id, owner, input.expectedVersion);
    }
  }

  async delete(id, owner) {
    const mine = owner === undefined ? {} : {
      ConditionExpression: 'attribute_exists(pk) AND #o = :owner', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':owner': owner },
    };
    try {
      await this.send(new DeleteCommand({ TableName: this.table, Key: { pk: id }, ConditionExpression: 'attribute_exists(pk)', ...mine }));
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      if (owner === undefined) throw notFound();
      await this.explainMiss(id, owner);
    }
  }

  /** A paginated Scan: DynamoDB returns items in hash order, so pages are not sorted by time. */
  async list({ limit, cursor }) {
    if (cursor && (typeof cursor.pk !== 'string' || !ITEM_ID.test(cursor.pk) || Object.keys(cursor).length !== 1)) {
      throw badRequest('cursor is not one this service returned');
    }
    const items = [];
    let start = cursor;
    // Scan's Limit counts rows read, not rows returned, so a page may need several calls.
    do {
      const out = await this.send(new ScanCommand({
        TableName: this.table, Limit: limit - items.length, ExclusiveStartKey: start,
        FilterExpression: 'attribute_exists(#n)', ExpressionAttributeNames: { '#n': 'name' },
      }));
      items.push(...out.Items.map(toItem));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, nextCursor: start ? encodeCursor({ pk: start.pk }) : null };
  }

  poolStats() {
    return undefined;
  }

  async close() {
    this.client.destroy();
  }
}
