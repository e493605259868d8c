import { Type, type Static } from '@sinclair/typebox';
import type { Row } from '../../src-main/engine/batch';
import { childPath } from '../../src-main/config/config-path';
import { defineProcessor, FieldError, type ComponentContext } from '../../src-main/engine/component';
import { formatCount } from '../../src-shared/text/count';
import { LOGICAL_TYPES } from '../../src-shared/types/logical';
import { DEFAULT_PORT as PG_PORT } from '../postgresql/connection';
import { MYSQL_PORT } from '../mysql/connection';
import { resolveConfigPath } from '../shared/resolve-path';
import { connectionSchema } from '../shared/sql/config';
import { RetrySchema } from '../shared/sql/retry';
import { durationField } from '../shared/stateful/duration';
import { columnAt } from '../shared/processor-kit';
import { fieldIndex } from '../shared/stateful/fields';
import { matchKey } from '../shared/stateful/keys';
import { toText } from '../shared/values';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, HttpLookup } from './http-lookup';
import type { Answer, LookupField, LookupSource } from './lookup';
import { LruCache } from './lru-cache';
import { DEFAULT_LOOKUP_BATCH, mysqlDriver, postgresDriver, sqliteDriver, SqlLookup } from './sql-lookup';
import { StaticLookup } from './static-lookup';

/** Keys the cache holds when the config does not say. */
export const DEFAULT_CACHE_SIZE = 10_000;

const tableFields = {
  table: Type.String({
    minLength: 1,
    description: 'The lookup table (schema.table where the database has schemas).',
  }),
  batch_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: DEFAULT_LOOKUP_BATCH,
      description: 'Distinct keys per query (`WHERE key IN (…)`).',
    }),
  ),
};

const fileFields = {
  path: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'A CSV or JSON Lines file holding the table, relative to the pipeline file; read whole when the run starts.',
    }),
  ),
  format: Type.Optional(
    Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], {
      description: 'csv or jsonl; defaults from the extension.',
    }),
  ),
  delimiter: Type.Optional(Type.String({ minLength: 1, description: 'CSV field separator.', default: ',' })),
  encoding: Type.Optional(
    Type.String({ description: 'Text encoding of the file (utf8, gbk, …).', default: 'utf8' }),
  ),
};

const LookupSchema = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('postgresql'), connection: connectionSchema(PG_PORT), ...tableFields },
      {
        additionalProperties: false,
        description: 'A PostgreSQL table; connection may be { ref: saved-connection }.',
      },
    ),
    Type.Object(
      { type: Type.Literal('mysql'), connection: connectionSchema(MYSQL_PORT), ...tableFields },
      {
        additionalProperties: false,
        description: 'A MySQL or MariaDB table; connection may be { ref: saved-connection }.',
      },
    ),
    Type.Object(
      {
        type: Type.Literal('sqlite'),
        path: Type.String({
          minLength: 1,
          description: 'The SQLite file, relative to the pipeline file (or connection: { ref }).',
        }),
        ...tableFields,
      },
      { additionalProperties: false, description: 'A SQLite table.' },
    ),
    Type.Object(
      {
        type: Type.Literal('http'),
        url: Type.String({
          minLength: 1,
          description:
            'The request URL with row fields in braces, URL-encoded: https://api.example.com/customers/{customer_id}.',
        }),
        method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('POST')], { default: 'GET' })),
        headers: Type.Optional(
          Type.Record(Type.String(), Type.String(), {
            description: 'Request headers, e.g. { Authorization: "Bearer ${API_TOKEN}" }.',
          }),
        ),
        body: Type.Optional(
          Type.String({
            description:
              'POST: a JSON body with row fields in braces, each written as a JSON value: {"id": {customer_id}}.',
          }),
        ),
        record: Type.Optional(
          Type.String({
            description:
              'Path to the record in the JSON response (data.customer); the first element when it is an array. Default: the whole response.',
          }),
        ),
        not_found: Type.Optional(
          Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
            default: [404],
            description: 'Statuses that mean “no such key” (a miss).',
          }),
        ),
        concurrency: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 256,
            default: DEFAULT_CONCURRENCY,
            description: 'Requests in flight at once.',
          }),
        ),
        timeout: Type.Optional(
          Type.String({ default: '10s', description: 'How long one attempt may take (500ms, 10s, 1m).' }),
        ),
        retry: Type.Optional(RetrySchema),
      },
      {
        additionalProperties: false,
        description:
          'An HTTP API, one request per distinct key; timeouts, 408, 429 and 5xx are retried with exponential backoff.',
      },
    ),
    Type.Object(
      {
        type: Type.Literal('static'),
        rows: Type.Optional(
          Type.Array(Type.Record(Type.String(), Type.Unknown()), {
            minItems: 1,
            description: 'The table inline: a list of records.',
          }),
        ),
        ...fileFields,
      },
      {
        additionalProperties: false,
        description: 'A table held in memory: inline rows, or a CSV / JSON Lines file.',
      },
    ),
  ],
  { description: 'Where values are looked up, chosen by type: postgresql, mysql, sqlite, http or static.' },
);

const FieldSpec = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object(
    {
      from: Type.String({ minLength: 1, description: 'The lookup column, or the path in an HTTP record.' }),
      type: Type.Optional(
        Type.Union(
          LOGICAL_TYPES.map((t) => Type.Literal(t)),
          {
            description:
              'The added field’s type (HTTP and file values are converted to it; a SQL column must have it).',
          },
        ),
      ),
    },
    { additionalProperties: false },
  ),
]);

/** Config of the `enrichment` processor. */
export const EnrichmentSchema = Type.Object(
  {
    lookup: LookupSchema,
    key: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
        minProperties: 1,
        description:
          'SQL and static lookups: `lookup_column: row_field` pairs that must all match. (An HTTP lookup’s key is the fields its url and body name.)',
        examples: [{ id: 'customer_id' }],
      }),
    ),
    fields: Type.Union(
      [
        Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Lookup columns to add under their own names.',
        }),
        Type.Record(Type.String({ minLength: 1 }), FieldSpec, {
          minProperties: 1,
          description:
            'Fields to add, `new_field: lookup_column` (HTTP: a path in the record, data.name) or `new_field: { from, type }`.',
        }),
      ],
      {
        description:
          'What each matched row gains: added at the end of the row, NULL when nothing matched (on_miss: keep).',
      },
    ),
    cache: Type.Optional(
      Type.Object(
        {
          size: Type.Optional(
            Type.Integer({
              minimum: 0,
              default: DEFAULT_CACHE_SIZE,
              description:
                'Keys remembered (matches and misses), least recently used out first; 0: no cache.',
            }),
          ),
          ttl: Type.Optional(
            Type.String({
              description: 'How long an answer is trusted, e.g. 10m; default: for the whole run.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'SQL and HTTP lookups: answers remembered across batches.',
        },
      ),
    ),
    on_miss: Type.Optional(
      Type.Union([Type.Literal('keep'), Type.Literal('drop'), Type.Literal('dead_letter')], {
        default: 'keep',
        description:
          'A row whose key matches nothing (or has a NULL in it): keep it with NULL fields, drop it, or reject it (on_error, a dead letter by default) with "no match for key …".',
      }),
    ),
  },
  { additionalProperties: false },
);

type EnrichmentConfig = Static<typeof EnrichmentSchema>;

/** The added fields of the config, in order. */
function lookupFields(fields: EnrichmentConfig['fields']): LookupField[] {
  if (Array.isArray(fields)) return fields.map((name, i) => ({ name, from: name, path: `fields[${i}]` }));
  return Object.entries(fields).map(([name, spec]) => {
    const path = childPath('fields', name);
    return typeof spec === 'string'
      ? { name, from: spec, path }
      : { name, from: spec.from, declared: spec.type, path };
  });
}

/** The lookup source the config names, and the row fields its key is made of (with their config paths). */
function lookupSource(
  config: EnrichmentConfig,
  fields: LookupField[],
  ctx: ComponentContext,
): { source: LookupSource; keyFields: { name: string; path: string; at?: number }[] } {
  const { lookup } = config;
  if (lookup.type === 'http') {
    if (config.key)
      throw new FieldError(
        'key',
        'an HTTP lookup’s key is the row fields its url (and body) name; leave key out',
      );
    const source = new HttpLookup(
      {
        url: lookup.url,
        method: lookup.method ?? 'GET',
        headers: lookup.headers ?? {},
        body: lookup.body,
        record: lookup.record,
        notFound: lookup.not_found ?? [404],
        concurrency: lookup.concurrency ?? DEFAULT_CONCURRENCY,
        timeoutMs: lookup.timeout ? durationField('lookup.timeout', lookup.timeout) : DEFAULT_TIMEOUT_MS,
        retry: lookup.retry,
      },
      fields,
      ctx.logger,
    );
    return { source, keyFields: source.keyFields };
  }
  if (!config.key)
    throw new FieldError('key', 'say which lookup columns match which row fields: key: { id: customer_id }');
  const keyColumns = Object.keys(config.key).map((name) => ({ name, path: childPath('key', name) }));
  const keyFields = Object.entries(config.key).map(([column, field]) => ({
    name: field,
    path: childPath('key', column),
  }));
  if (lookup.type === 'static')
    return { source: new StaticLookup(lookup, keyColumns, fields, ctx), keyFields };
  const driver =
    lookup.type === 'postgresql'
      ? postgresDriver(lookup.connection)
      : lookup.type === 'mysql'
        ? mysqlDriver(lookup.connection)
        : sqliteDriver(resolveConfigPath(ctx.baseDir, lookup.path));
  return { source: new SqlLookup(driver, lookup.table, keyColumns, fields, lookup.batch_size), keyFields };
}

/** `enrichment`: adds fields looked up by key in a database table, an HTTP API or a static table. */
export const enrichmentProcessor = defineProcessor({
  name: 'enrichment',
  category: 'enrich',
  title: 'Enrichment',
  description:
    'Adds fields looked up by key: in a PostgreSQL, MySQL or SQLite table (batched WHERE key IN queries), an HTTP API (concurrent requests with timeouts and retries) or a static table (inline or a CSV file); answers are cached (LRU with TTL); rows without a match are kept, dropped or dead-lettered.',
  status: 'stable',
  schema: EnrichmentSchema,
  examples: [
    {
      title: 'Customer name and segment from PostgreSQL',
      config: {
        lookup: {
          type: 'postgresql',
          connection: { host: '127.0.0.1', database: 'crm', username: 'etl', password: '${PG_PASSWORD}' },
          table: 'public.customers',
        },
        key: { id: 'customer_id' },
        fields: { customer_name: 'name', segment: 'segment' },
        cache: { size: 50000, ttl: '10m' },
      },
    },
    {
      title: 'Country names from a CSV file, unknown codes dead-lettered',
      config: {
        lookup: { type: 'static', path: 'data/countries.csv' },
        key: { code: 'country' },
        fields: { country_name: 'name' },
        on_miss: 'dead_letter',
      },
    },
    {
      title: 'Credit score from an HTTP API',
      config: {
        lookup: {
          type: 'http',
          url: 'https://scores.example.com/v1/customers/{customer_id}',
          headers: { Authorization: 'Bearer ${SCORES_TOKEN}' },
          record: 'data',
          concurrency: 8,
          timeout: '5s',
          retry: { max_retries: 3, initial_delay: 0.5 },
        },
        fields: { score: { from: 'score', type: 'int' }, band: 'band' },
      },
    },
  ],
  create(config, ctx) {
    const fields = lookupFields(config.fields);
    const { source, keyFields } = lookupSource(config, fields, ctx);
    const cache = new LruCache<string, Answer>(
      config.cache?.size ?? DEFAULT_CACHE_SIZE,
      config.cache?.ttl ? durationField('cache.ttl', config.cache.ttl) : Infinity,
    );
    const onMiss = config.on_miss ?? 'keep';
    /** Lookups running now, so lanes asking for the same key share one. */
    const inflight = new Map<string, Promise<Answer>>();
    /** Each prepared batch's answers, read by `process` for the same rows. */
    const prepared = new WeakMap<Row[], Map<string, Answer>>();
    const counts = { keys: 0, cached: 0 };
    let opening: Promise<void> | undefined;
    const open = () => (opening ??= source.open());

    /** Looks the missing keys up in one go, sharing the promise with other lanes that need them meanwhile. */
    const fetchMissing = (missing: Map<string, unknown[]>): Promise<Map<string, Answer>> => {
      const fetching = open().then(() => source.fetch(missing, ctx.signal));
      for (const text of missing.keys()) {
        const answer = fetching.then((answers) => answers.get(text) ?? null);
        // Failures surface through `fetching`; this copy must not be reported as unhandled.
        answer.catch(() => undefined);
        inflight.set(text, answer);
      }
      return fetching.finally(() => {
        for (const text of missing.keys()) inflight.delete(text);
      });
    };

    return {
      async open() {
        await open();
      },
      async close() {
        if (counts.keys > 0)
          ctx.logger.info(
            `enrichment: ${formatCount(counts.keys)} keys looked up in ${source.description}, ${formatCount(counts.cached)} of them answered by the cache`,
          );
        if (opening) await source.close();
      },
      bind(columns) {
        const keyIndices = keyFields.map((field) => {
          try {
            return columnAt(field.path, columns, field.name);
          } catch (error) {
            // A field named in the URL: point at it there.
            if (error instanceof FieldError && field.at !== undefined)
              throw new FieldError(error.path, error.message, field.at);
            throw error;
          }
        });
        for (const field of fields)
          if (fieldIndex(columns, field.name) >= 0)
            throw new FieldError(
              field.path,
              `"${field.name}" is already a field of the row; give the added field another name`,
            );
        const keyTypes = keyIndices.map((i) => columns[i].type);
        const types = source.types();
        const keyOf = (row: Row) =>
          matchKey(
            keyIndices.map((i) => row[i]),
            keyTypes,
          );
        const nulls = fields.map(() => null);
        const describeKey = (row: Row) =>
          keyFields.map((field, i) => `${field.name}=${toText(row[keyIndices[i]]) ?? 'NULL'}`).join(', ');

        return {
          columns: [
            ...columns,
            ...fields.map((field, i) => ({ name: field.name, type: types[i], nullable: true })),
          ],
          async prepare(rows) {
            const answers = new Map<string, Answer>();
            const missing = new Map<string, unknown[]>();
            const shared: Promise<void>[] = [];
            for (const row of rows) {
              const text = keyOf(row);
              if (text === null || answers.has(text) || missing.has(text)) continue;
              counts.keys++;
              const cached = cache.get(text);
              if (cached !== undefined) {
                counts.cached++;
                answers.set(text, cached);
                continue;
              }
              const running = inflight.get(text);
              if (running) {
                answers.set(text, null);
                shared.push(running.then((answer) => void answers.set(text, answer)));
              } else
                missing.set(
                  text,
                  keyIndices.map((i) => row[i]),
                );
            }
            if (missing.size > 0) {
              for (const [text, answer] of await fetchMissing(missing)) {
                answers.set(text, answer);
                // A failed request is tried again for the next batch that needs it.
                if (!(answer instanceof Error)) cache.set(text, answer);
              }
            }
            await Promise.all(shared);
            prepared.set(rows, answers);
          },
          process(rows, processCtx) {
            const answers = prepared.get(rows);
            if (!answers) throw new Error('enrichment: the batch was not prepared (its lookups never ran)');
            prepared.delete(rows);
            const out: Row[] = [];
            for (const row of rows) {
              const text = keyOf(row);
              const answer = text === null ? null : (answers.get(text) ?? null);
              if (answer instanceof Error) {
                processCtx.reject(row, answer);
                continue;
              }
              if (answer === null) {
                if (onMiss === 'drop') continue;
                if (onMiss === 'dead_letter') {
                  processCtx.reject(
                    row,
                    new Error(`no match for key ${describeKey(row)} in ${source.description}`),
                  );
                  continue;
                }
              }
              out.push([...row, ...(answer ?? nulls)]);
            }
            return out;
          },
        };
      },
    };
  },
});
