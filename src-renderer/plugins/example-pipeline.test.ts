import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  clashingColumns,
  exampleColumns,
  exampleJobName,
  examplePipeline,
  exampleSection,
  freeJobName,
  examplePipelineFor,
  expressionColumns,
  generatedColumn,
} from './example-pipeline';

interface Pipeline {
  job: { name: string; description: string };
  input: { type: string; columns?: { name: string }[] };
  pipeline?: { processors: Record<string, unknown>[] };
  output?: Record<string, unknown>;
}

const columnNames = (yaml: string) => ((parse(yaml) as Pipeline).input.columns ?? []).map((c) => c.name);

describe('expressionColumns', () => {
  it('finds the names an SQL expression reads, not functions, literals, keywords or tables', () => {
    expect(expressionColumns("qty > 0 AND status <> 'void'")).toEqual(['qty', 'status']);
    expect(expressionColumns('sum(qty * price)')).toEqual(['qty', 'price']);
    expect(expressionColumns("email LIKE '%@test.example' OR deleted_at IS NULL")).toEqual([
      'email',
      'deleted_at',
    ]);
    expect(expressionColumns('COUNT (DISTINCT customer_id)')).toEqual(['customer_id']);
    expect(expressionColumns('public.orders')).toEqual([]);
    expect(expressionColumns('10m')).toEqual([]);
  });

  it('reads URL templates, and nothing from paths, patterns or formats', () => {
    expect(expressionColumns('https://x.example/v1/customers/{customer_id}?k=${TOKEN}')).toEqual([
      'customer_id',
    ]);
    expect(expressionColumns('data/orders.csv')).toEqual([]);
    expect(expressionColumns('^(?<user>[^@]+)@(?<domain>.+)$')).toEqual([]);
    expect(expressionColumns('%Y-%m-%d')).toEqual([]);
  });
});

describe('exampleColumns', () => {
  const schema = {
    type: 'object',
    properties: {
      mode: { anyOf: [{ const: 'include' }, { const: 'exclude' }] },
      key: { type: 'array', items: { type: 'string' } },
      cast: { type: 'object', patternProperties: { '^(.*)$': { type: 'object', properties: {} } } },
      connection: { type: 'object', properties: { database: { type: 'string' } } },
      table: { type: 'string' },
    },
  };

  it('takes names from values and map keys, not from options, fixed values or places', () => {
    const config = {
      mode: 'exclude',
      key: ['order_id'],
      cast: { price: { type: 'decimal' } },
      connection: { database: 'shop' },
      table: 'orders',
    };
    expect(exampleColumns(config, schema)).toEqual(['order_id', 'price']);
  });
});

describe('examplePipeline', () => {
  const filter = { kind: 'processor' as const, name: 'filter' };

  it('puts an input example before a JSON Lines file', () => {
    const { yaml, columns } = examplePipeline(
      { kind: 'input', name: 'sqlite' },
      {
        title: 'A table',
        config: { path: 'data/shop.db', query: { table: 'products', filter: 'stock > 0' } },
      },
      'sqlite-input-example-1',
    );
    expect(columns).toEqual([]);
    expect(parse(yaml)).toEqual({
      version: 1,
      job: { name: 'sqlite-input-example-1', description: 'A table' },
      input: { type: 'sqlite', path: 'data/shop.db', query: { table: 'products', filter: 'stock > 0' } },
      output: { type: 'file', path: 'output/sqlite-input-example-1.jsonl' },
    });
    expect(yaml.startsWith('# The input "sqlite" example "A table", from the Plugins page.\n')).toBe(true);
  });

  it('feeds a processor example generated rows with the columns it reads', () => {
    const { yaml, columns } = examplePipeline(
      filter,
      { title: 'Paid', config: { condition: "qty > 0 AND status <> 'void'" } },
      'f',
    );
    expect(columns).toEqual(['id', 'qty', 'status']);
    const pipeline = parse(yaml) as Pipeline;
    expect(pipeline.input).toMatchObject({ type: 'generate', count: 100 });
    expect(pipeline.input.columns).toEqual([
      { name: 'id', generator: 'sequence' },
      { name: 'qty', generator: 'random_int', min: 0, max: 10 },
      { name: 'status', generator: 'choice', values: ['paid', 'pending', 'void'] },
    ]);
    expect(pipeline.pipeline?.processors).toEqual([
      { type: 'filter', condition: "qty > 0 AND status <> 'void'" },
    ]);
    expect(pipeline.output).toEqual({ type: 'file', path: 'output/f.jsonl' });
  });

  it('gives a branching processor no output of its own', () => {
    const branches = [{ when: "region = 'EU'", output: { type: 'file', path: 'out/eu.csv' } }];
    const { yaml } = examplePipeline(
      { kind: 'processor', name: 'conditional' },
      { title: 'EU', config: { branches } },
      'c',
    );
    const pipeline = parse(yaml) as Pipeline;
    expect(pipeline.output).toBeUndefined();
    expect(columnNames(yaml)).toEqual(['id', 'region']);
  });

  it('feeds an output example generated rows, and lets unset variables default to empty', () => {
    const config = {
      connection: { host: '127.0.0.1', database: 'shop', username: 'etl', password: '${PG_PASSWORD}' },
      write: { table: 'public.orders', mode: 'upsert' },
      conflict: { key: ['order_id'] },
    };
    const schema = {
      type: 'object',
      properties: {
        write: {
          type: 'object',
          properties: { mode: { anyOf: [{ const: 'insert' }, { const: 'upsert' }] } },
        },
      },
    };
    const postgresql = { kind: 'output' as const, name: 'postgresql', schema };
    const { yaml } = examplePipeline(postgresql, { title: 'Upsert', config }, 'p');
    const pipeline = parse(yaml) as Pipeline;
    expect(columnNames(yaml)).toEqual(['id', 'order_id']);
    expect(pipeline.output).toMatchObject({
      type: 'postgresql',
      connection: { password: '${PG_PASSWORD:-}' },
      conflict: { key: ['order_id'] },
    });
    expect(yaml).toContain('# Set PG_PASSWORD before running it.');
  });

  it('leaves out the columns it is told to', () => {
    const config = { key: { id: 'customer_id' }, fields: { segment: 'segment' } };
    const schema = {
      type: 'object',
      properties: {
        key: { type: 'object', patternProperties: { '^(.*)$': { type: 'string' } } },
        fields: { type: 'object', patternProperties: { '^(.*)$': { type: 'string' } } },
      },
    };
    const enrichment = { kind: 'processor' as const, name: 'enrichment', schema };
    expect(examplePipeline(enrichment, { title: 't', config }, 'e').columns).toEqual([
      'id',
      'customer_id',
      'segment',
    ]);
    expect(examplePipeline(enrichment, { title: 't', config }, 'e', ['segment']).columns).toEqual([
      'id',
      'customer_id',
    ]);
  });
});

describe('examplePipelineFor', () => {
  it('drops guessed columns the validator places a problem at, and stops when none is left', async () => {
    const config = { fields: { customer_name: 'name' }, key: { id: 'customer_id' } };
    const schema = {
      type: 'object',
      properties: {
        key: { type: 'object', patternProperties: { '^(.*)$': { type: 'string' } } },
        fields: { type: 'object', patternProperties: { '^(.*)$': { type: 'string' } } },
      },
    };
    const seen: string[][] = [];
    const yaml = await examplePipelineFor(
      { kind: 'processor', name: 'enrichment', schema },
      { title: 't', config },
      'e',
      async (text) => {
        const names = columnNames(text);
        seen.push(names);
        return names.includes('customer_name')
          ? [{ path: 'pipeline.processors[0].fields.customer_name' }, { path: 'output.path' }]
          : [];
      },
    );
    expect(seen).toEqual([
      ['id', 'customer_name', 'name', 'customer_id'],
      ['id', 'name', 'customer_id'],
    ]);
    expect(columnNames(yaml)).toEqual(['id', 'name', 'customer_id']);
  });

  it('gives up after a few rounds, returning the last pipeline', async () => {
    let calls = 0;
    const yaml = await examplePipelineFor(
      { kind: 'processor', name: 'filter' },
      { title: 't', config: { condition: 'a > b AND c > d' } },
      'f',
      async () => {
        calls++;
        return [{ path: ['a', 'b', 'c', 'd'][calls - 1] }];
      },
    );
    expect(calls).toBe(3);
    expect(columnNames(yaml)).toEqual(['id', 'd']);
  });
});

describe('small parts', () => {
  it('names a problem place that is a generated column, never id', () => {
    expect(
      clashingColumns([{ path: 'x.fields.a' }, { path: 'x.id' }, { path: 'output' }], ['id', 'a']),
    ).toEqual(['a']);
  });

  it('finds a free job name', () => {
    expect(freeJobName('f', [])).toBe('f');
    expect(freeJobName('f', ['f', 'f-2', 'g'])).toBe('f-3');
  });

  it('shows an example as its YAML section', () => {
    expect(exampleSection({ name: 'filter' }, { title: 't', config: { condition: 'qty > 0' } })).toBe(
      'type: filter\ncondition: qty > 0\n',
    );
  });

  it('names jobs and columns', () => {
    expect(exampleJobName({ kind: 'processor', name: 'filter' }, 1)).toBe('filter-processor-example-2');
    expect(generatedColumn('created_at')).toEqual({
      name: 'created_at',
      generator: 'timestamp',
      type: 'string',
    });
    expect(generatedColumn('customer_id')).toMatchObject({ generator: 'random_int' });
    expect(generatedColumn('note')).toEqual({ name: 'note', generator: 'string', length: 8 });
  });
});
