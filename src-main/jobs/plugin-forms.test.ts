import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../default-registry';
import { listPluginInfo, pluginDetail } from './plugins';
import {
  addItemEdit,
  emptyValue,
  formTree,
  isSecretName,
  moveItemEdit,
  removeItemEdit,
  removeKeyEdit,
  renameKeyEdit,
  setIn,
  switchVariant,
  valueOfText,
  walkNodes,
  type FormNode,
  type JsonSchema,
} from '../../src-shared/forms/nested-form-model';
import { placeIssues, validateSection, type FieldIssue } from '../../src-shared/forms/nested-form-validation';

/*
 * The designer's generated forms (src-shared/forms) over the components' published schemas, as
 * the API serves them (`pluginDetail`): fields, values and edits, and the checks as the user types.
 */

const registry = defaultRegistry({});

function schemaOf(kind: string, name: string): JsonSchema {
  const detail = pluginDetail(registry, kind, name);
  if (!detail) throw new Error(`no ${kind} ${name}`);
  return detail.schema as JsonSchema;
}

const postgresInput = schemaOf('input', 'postgresql');
const postgresOutput = schemaOf('output', 'postgresql');
const sqliteInput = schemaOf('input', 'sqlite');
const generate = schemaOf('input', 'generate');
const transform = schemaOf('processor', 'transform');
const enrichment = schemaOf('processor', 'enrichment');
const conditional = schemaOf('processor', 'conditional');
const jsonDecode = schemaOf('processor', 'json_decode');

function nodeAt(nodes: FormNode[], path: string): FormNode {
  const found = [...walkNodes(nodes)].find((node) => node.path.join('.') === path);
  if (!found) throw new Error(`no field ${path}`);
  return found;
}

function codes(issues: FieldIssue[]): string[] {
  return issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`);
}

describe('every component', () => {
  const components = listPluginInfo(registry);

  it('has a form for each of its examples, in fields the form lays out, without problems', () => {
    expect(components.length).toBeGreaterThan(15);
    for (const { kind, name } of components) {
      const detail = pluginDetail(registry, kind, name)!;
      for (const example of detail.examples) {
        const config = example.config as Record<string, unknown>;
        const nodes = formTree(detail.schema as JsonSchema, config);
        const where = `${kind}/${name} "${example.title}"`;
        expect(
          [...walkNodes(nodes)].filter((n) => n.kind === 'json').map((n) => n.path),
          where,
        ).toEqual([]);
        expect(validateSection(detail.schema as JsonSchema, { type: name, ...config }), where).toEqual([]);
      }
    }
  });
});

describe('schema to fields', () => {
  it('lays out a postgresql output: kinds, required marks, defaults, secrets, in schema order', () => {
    const nodes = formTree(postgresOutput, { type: 'postgresql' }, { secretFields: ['password'] });
    expect(nodes.map((n) => [n.key, n.kind, n.required])).toEqual([
      ['connection', 'object', true],
      ['write', 'object', true],
      ['conflict', 'object', false],
      ['pre_sql', 'list', false],
      ['post_sql', 'list', false],
      ['retry', 'object', false],
    ]);
    const port = nodeAt(nodes, 'connection.port');
    expect(port).toMatchObject({
      kind: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 5432,
      required: false,
    });
    expect(nodeAt(nodes, 'connection.host')).toMatchObject({ kind: 'text', required: true, secret: false });
    expect(nodeAt(nodes, 'connection.password')).toMatchObject({ kind: 'text', secret: true });
    expect(nodeAt(nodes, 'connection.ssl')).toMatchObject({ kind: 'boolean', default: false });
    expect(nodeAt(nodes, 'connection.options')).toMatchObject({ kind: 'map' });
    expect(nodeAt(nodes, 'write.mode')).toMatchObject({
      kind: 'enum',
      options: ['insert', 'upsert', 'replace', 'truncate_insert', 'merge'],
      default: 'insert',
    });
    // An optional object not written yet: its fields are required only once it is.
    expect(nodeAt(nodes, 'conflict.key')).toMatchObject({ kind: 'list', scalarItems: true, required: false });
    expect(nodeAt(nodes, 'post_sql')).toMatchObject({ kind: 'list', scalarItems: true, multiline: true });
    expect(nodeAt(nodes, 'write.table').description).toMatch(/^Table to write/);
  });

  it('shows the variant a value is in: query by table, by SQL or many tables', () => {
    const byTable = nodeAt(formTree(postgresInput, { query: { table: 'orders' } }), 'query');
    const bySql = nodeAt(formTree(postgresInput, { query: { sql: 'SELECT 1' } }), 'query');
    const many = nodeAt(formTree(postgresInput, { query: { tables: ['*'] } }), 'query');
    for (const [node, chosen] of [
      [byTable, 0],
      [bySql, 1],
      [many, 2],
    ] as const) {
      if (node.kind !== 'variants') throw new Error('query is not a union');
      expect(node.variants.map((v) => v.label)).toEqual(['table', 'sql', 'tables']);
      expect(node.chosen).toBe(chosen);
    }
    if (bySql.kind !== 'variants' || bySql.inner.kind !== 'object') throw new Error('no inner object');
    expect(bySql.inner.fields.map((f) => f.key)).toEqual(['sql']);
  });

  it('lays out lists of variants told apart by a field: generate columns by generator', () => {
    const nodes = formTree(generate, {
      columns: [
        { name: 'id', generator: 'sequence' },
        { name: 'status', generator: 'choice', values: ['paid', 'void'] },
      ],
    });
    const columns = nodeAt(nodes, 'columns');
    if (columns.kind !== 'list') throw new Error('columns is not a list');
    expect(columns.scalarItems).toBe(false);
    const [first, second] = columns.items;
    if (first.kind !== 'variants' || second.kind !== 'variants') throw new Error('items are not variants');
    expect(first.variants.map((v) => v.label)).toContain('random_int');
    expect(first.variants[first.chosen].label).toBe('sequence');
    expect(second.variants[second.chosen].label).toBe('choice');
    // The discriminator is the variant select, not a field of its own.
    if (second.inner.kind !== 'object') throw new Error('no inner object');
    expect(second.inner.fields.map((f) => f.key)).not.toContain('generator');
    expect(nodeAt(nodes, 'columns.1.values')).toMatchObject({
      kind: 'list',
      scalarItems: true,
      required: true,
    });
  });

  it('lays out maps: expressions by field, casts by field as sub-forms, options of any scalar', () => {
    const nodes = formTree(transform, {
      fields: { total: 'qty * price' },
      cast: { price: { type: 'decimal', scale: 2 } },
    });
    const fields = nodeAt(nodes, 'fields');
    if (fields.kind !== 'map') throw new Error('fields is not a map');
    expect(fields.entries.map((e) => [e.key, e.kind, e.value])).toEqual([['total', 'text', 'qty * price']]);
    expect(fields.examples[0]).toContain('price * qty');
    expect(nodeAt(nodes, 'cast.price')).toMatchObject({ kind: 'object' });
    expect(nodeAt(nodes, 'cast.price.type')).toMatchObject({ kind: 'enum', required: true });
    expect(nodeAt(nodes, 'cast.price.scale')).toMatchObject({ kind: 'integer', minimum: 0, maximum: 1000 });
    expect(nodeAt(nodes, 'on_error')).toMatchObject({ kind: 'enum', default: 'dead_letter' });
    const options = nodeAt(
      formTree(postgresInput, { connection: { options: { connectTimeout: 5 } } }),
      'connection.options.connectTimeout',
    );
    expect(options.kind).toBe('scalar');
  });

  it('lays out unions of shapes: text or an object, a list or a map', () => {
    const decode = nodeAt(
      formTree(jsonDecode, { fields: { name: '$.a', amount: { path: '$.b', type: 'decimal' } } }),
      'fields',
    );
    if (decode.kind !== 'map') throw new Error('fields is not a map');
    expect(
      decode.entries.map((e) =>
        e.kind === 'variants'
          ? [e.variants[e.chosen].shape ?? e.variants[e.chosen].label, e.inner.kind]
          : e.kind,
      ),
    ).toEqual([
      ['text', 'text'],
      ['path', 'object'],
    ]);
    const listed = nodeAt(formTree(enrichment, { fields: ['name'] }), 'fields');
    const mapped = nodeAt(formTree(enrichment, { fields: { customer: 'name' } }), 'fields');
    if (listed.kind !== 'variants' || mapped.kind !== 'variants') throw new Error('fields is not a union');
    expect([listed.variants[listed.chosen].shape, mapped.variants[mapped.chosen].shape]).toEqual([
      'list',
      'map',
    ]);
  });

  it('leaves a branch’s processors and output to their own nodes, and masks secret header values', () => {
    const nodes = formTree(conditional, {
      branches: [{ when: "region = 'EU'", output: { type: 'file', path: 'eu.csv' } }],
    });
    expect(nodeAt(nodes, 'branches.0.output').kind).toBe('component');
    expect(nodeAt(nodes, 'branches.0.processors').kind).toBe('component');
    expect(nodeAt(nodes, 'branches.0.when')).toMatchObject({ kind: 'text', multiline: true, required: true });
    const http = formTree(enrichment, {
      lookup: {
        type: 'http',
        url: 'https://x/{id}',
        headers: { Authorization: 'Bearer ${TOKEN}', Accept: 'json' },
      },
    });
    expect(nodeAt(http, 'lookup.headers.Authorization')).toMatchObject({ kind: 'text', secret: true });
    expect(nodeAt(http, 'lookup.headers.Accept')).toMatchObject({ kind: 'text', secret: false });
  });

  it('knows secrets by name, or as the saved connection says', () => {
    expect(
      ['password', 'api_token', 'client_secret', 'Authorization', 'api_key', 'access-key'].map((n) =>
        isSecretName(n),
      ),
    ).toEqual([true, true, true, true, true, true]);
    expect(['split_key', 'key', 'conflict', 'token_count_limit_x'].map((n) => isSecretName(n))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(isSecretName('passphrase', ['passphrase'])).toBe(true);
  });

  it('relaxes a connection beside a saved connection’s ref, and sqlite’s path that the ref fills', () => {
    const nodes = formTree(postgresInput, { connection: { ref: 'warehouse' } });
    expect(nodeAt(nodes, 'connection')).toMatchObject({ kind: 'object', ref: 'warehouse' });
    expect(nodeAt(nodes, 'connection.host').required).toBe(false);
    const sqlite = formTree(
      sqliteInput,
      { connection: { ref: 'local' }, query: { table: 't' } },
      { refFields: ['path'] },
    );
    expect(nodeAt(sqlite, 'path').required).toBe(false);
  });
});

describe('values and edits', () => {
  it('reads typed text as the field takes it, keeping what is not a number, and ${VAR} as text', () => {
    expect(valueOfText('integer', '5000')).toBe(5000);
    expect(valueOfText('number', ' 1.5 ')).toBe(1.5);
    expect(valueOfText('integer', '12x')).toBe('12x');
    expect(valueOfText('integer', '${PORT}')).toBe('${PORT}');
    expect(valueOfText('integer', '')).toBeUndefined();
    expect(valueOfText('scalar', 'true')).toBe(true);
    expect(valueOfText('scalar', '30')).toBe(30);
    expect(valueOfText('scalar', 'app')).toBe('app');
    expect(valueOfText('text', ' keep spaces ')).toBe(' keep spaces ');
  });

  it('edits lists at the smallest path: an item added or removed, the list rewritten only to reorder', () => {
    const nodes = formTree(postgresOutput, { conflict: { key: ['id', 'region'] } });
    const key = nodeAt(nodes, 'conflict.key');
    expect(addItemEdit(key, 'day')).toEqual({ path: ['conflict', 'key', 2], value: 'day' });
    expect(removeItemEdit(key, 0)).toEqual({ path: ['conflict', 'key', 0], value: undefined });
    expect(moveItemEdit(key, 1, 0)).toEqual({ path: ['conflict', 'key'], value: ['region', 'id'] });
    const empty = nodeAt(formTree(postgresOutput, {}), 'pre_sql');
    expect(addItemEdit(empty, 'ANALYZE t')).toEqual({ path: ['pre_sql'], value: ['ANALYZE t'] });
    // The last item of an optional list goes with its list.
    const one = nodeAt(formTree(postgresOutput, { post_sql: ['ANALYZE t'] }), 'post_sql');
    expect(removeItemEdit(one, 0)).toEqual({ path: ['post_sql'], value: undefined });
  });

  it('renames a map key where it stands and removes entries', () => {
    const fields = nodeAt(formTree(transform, { fields: { a: '1', b: '2', c: '3' } }), 'fields');
    expect(renameKeyEdit(fields, 'b', 'beta')).toEqual({
      path: ['fields'],
      value: { a: '1', beta: '2', c: '3' },
    });
    expect(removeKeyEdit(fields, 'c')).toEqual({ path: ['fields', 'c'], value: undefined });
  });

  it('switches variants keeping what the new one knows', () => {
    const query = nodeAt(formTree(postgresInput, { query: { table: 'orders', columns: ['id'] } }), 'query');
    if (query.kind !== 'variants') throw new Error('query is not a union');
    expect(switchVariant(query, 1)).toEqual({ sql: '' });
    expect(switchVariant(query, 2)).toEqual({ tables: [] });
    const column = nodeAt(
      formTree(generate, { columns: [{ name: 'n', generator: 'sequence', start: 5 }] }),
      'columns.0',
    );
    if (column.kind !== 'variants') throw new Error('column is not a union');
    const uuid = column.variants.findIndex((v) => v.label === 'uuid');
    expect(switchVariant(column, uuid)).toEqual({ name: 'n', generator: 'uuid' });
    const path = nodeAt(formTree(jsonDecode, { fields: { name: '$.a' } }), 'fields.name');
    if (path.kind !== 'variants') throw new Error('entry is not a union');
    expect(switchVariant(path, 1)).toEqual({ path: '$.a' });
  });

  it('makes new items that fill their required parts, never a nested component', () => {
    const columns = generate.properties!.columns.items as JsonSchema;
    expect(emptyValue(columns)).toEqual({ name: '', generator: 'sequence' });
    const branch = conditional.properties!.branches.items as JsonSchema;
    expect(emptyValue(branch)).toEqual({ when: '' });
  });

  it('sets and removes values in a copy', () => {
    const section = { write: { table: 't' } };
    expect(setIn(section, ['write', 'mode'], 'upsert')).toEqual({ write: { table: 't', mode: 'upsert' } });
    expect(setIn(section, ['write', 'table'], undefined)).toEqual({ write: {} });
    expect(setIn({}, ['conflict', 'key', 0], 'id')).toEqual({ conflict: { key: ['id'] } });
    expect(section).toEqual({ write: { table: 't' } });
  });
});

describe('checks as the user types', () => {
  it('says each problem at its field, in the variant the value is in', () => {
    const issues = validateSection(postgresInput, {
      type: 'postgresql',
      connection: { host: '', port: '5432x', password: '${PG_PASSWORD}' },
      query: { table: '', columns: ['id', 3] },
      fetch: { size: 0 },
      limit: 5,
    });
    expect(codes(issues)).toEqual([
      'connection.database: required',
      'connection.username: required',
      'connection.host: not_empty',
      'connection.port: type_integer',
      'query.table: not_empty',
      'query.columns.1: type_text',
      'fetch.size: minimum',
      'limit: unknown_field',
    ]);
    expect(issues.find((i) => i.code === 'minimum')?.params).toEqual({ limit: 1 });
  });

  it('leaves ${VAR} alone whatever the field takes', () => {
    const issues = validateSection(postgresInput, {
      connection: { host: 'h', port: '${PG_PORT:-5432}', database: 'd', username: 'u', ssl: '${SSL}' },
      query: { sql: 'SELECT 1' },
    });
    expect(issues).toEqual([]);
  });

  it('checks list items each as its own variant, and names what a discriminator may be', () => {
    const issues = validateSection(generate, {
      count: 1.5,
      seed: 1,
      columns: [
        { name: 'a', generator: 'sequence', start: 'x' },
        { name: '', generator: 'choice' },
        { name: 'q', generator: 'nope' },
      ],
    });
    expect(codes(issues)).toEqual([
      'count: type_integer',
      'columns.0.start: type_number',
      'columns.1.values: required',
      'columns.1.name: not_empty',
      'columns.2.generator: one_of',
    ]);
    expect(String(issues[4].params?.options)).toContain('sequence, random_int');
  });

  it('checks map entries and enums', () => {
    const issues = validateSection(transform, {
      cast: { price: { type: 'decimal', scale: -1 }, qty: { type: 'integer' } },
      on_error: 'explode',
    });
    expect(codes(issues)).toEqual(['cast.price.scale: minimum', 'cast.qty.type: one_of', 'on_error: one_of']);
    expect(issues[2].params).toEqual({ options: 'fail, skip, dead_letter' });
  });

  it('takes a saved connection’s ref for the fields it fills', () => {
    expect(
      validateSection(postgresInput, { connection: { ref: 'warehouse', port: 6432 }, query: { table: 't' } }),
    ).toEqual([]);
    expect(codes(validateSection(postgresInput, { connection: { ref: '' }, query: { table: 't' } }))).toEqual(
      ['connection.ref: not_empty'],
    );
    const sqlite = { connection: { ref: 'local' }, query: { table: 't' } };
    expect(validateSection(sqliteInput, sqlite, ['path'])).toEqual([]);
  });

  it('places problems at the deepest field shown, inside chips, or above the form', () => {
    const section = {
      connection: { host: 'h', database: 'd', username: 'u' },
      query: { table: 't', columns: ['a', 3] },
      zzz: 1,
    };
    const nodes = formTree(postgresInput, section);
    const placed = placeIssues(nodes, [
      ...validateSection(postgresInput, section),
      { path: ['query', 'filter'], message: 'unknown column "x"' },
      { path: [], message: 'the whole node' },
    ]);
    expect([...placed.byField.keys()]).toEqual(['["query","columns"]', '["query","filter"]']);
    expect(placed.unplaced.map((i) => i.code ?? i.message)).toEqual(['unknown_field', 'the whole node']);
  });
});
