import { describe, expect, it } from 'vitest';
import { fieldReference, formatValue, typeLabel } from './schema-reference';

const literal = (...values: string[]) => ({
  anyOf: values.map((value) => ({ const: value, type: 'string' })),
});

describe('fieldReference', () => {
  it('lists fields in order with type, required, default, values, limits, description and examples', () => {
    const rows = fieldReference({
      type: 'object',
      required: ['condition'],
      properties: {
        condition: { type: 'string', minLength: 1, description: 'SQL condition.', examples: ['qty > 0'] },
        mode: { ...literal('include', 'exclude'), default: 'include' },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432 },
        key: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
    });
    expect(rows).toEqual([
      {
        key: 'condition',
        depth: 0,
        name: 'condition',
        variant: false,
        type: 'string',
        required: true,
        limits: [],
        description: 'SQL condition.',
        examples: ['qty > 0'],
      },
      {
        key: 'mode',
        depth: 0,
        name: 'mode',
        variant: false,
        type: 'string',
        required: false,
        default: 'include',
        values: ['include', 'exclude'],
        limits: [],
        examples: [],
      },
      {
        key: 'port',
        depth: 0,
        name: 'port',
        variant: false,
        type: 'integer',
        required: false,
        default: '5432',
        limits: [
          { kind: 'minimum', value: 1 },
          { kind: 'maximum', value: 65535 },
        ],
        examples: [],
      },
      {
        key: 'key',
        depth: 0,
        name: 'key',
        variant: false,
        type: 'string[]',
        required: false,
        limits: [{ kind: 'min_items', value: 1 }],
        examples: [],
      },
    ]);
  });

  it('indents the fields of objects, of array items and of map values', () => {
    const rows = fieldReference({
      type: 'object',
      properties: {
        write: {
          type: 'object',
          required: ['table'],
          properties: { table: { type: 'string' }, mode: literal('insert', 'upsert') },
        },
        columns: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
        cast: {
          type: 'object',
          patternProperties: { '^(.*)$': { type: 'object', properties: { type: { type: 'string' } } } },
        },
        fields: {
          type: 'object',
          patternProperties: {
            '^(.*)$': {
              anyOf: [{ type: 'string' }, { type: 'object', properties: { path: { type: 'string' } } }],
            },
          },
        },
      },
    });
    expect(rows.map((r) => [r.key, r.depth, r.type, r.required])).toEqual([
      ['write', 0, 'object', false],
      ['write.table', 1, 'string', true],
      ['write.mode', 1, 'string', false],
      ['columns', 0, 'object[]', false],
      ['columns[].name', 1, 'string', true],
      ['cast', 0, 'map<object>', false],
      ['cast{}.type', 1, 'string', false],
      ['fields', 0, 'map<string | object>', false],
      ['fields{}.path', 1, 'string', false],
    ]);
  });

  it('shows the fields all forms of a union share once, then each form with its own fields', () => {
    const common = { name: { type: 'string' } };
    const rows = fieldReference({
      type: 'object',
      properties: {
        columns: {
          type: 'array',
          items: {
            anyOf: [
              {
                type: 'object',
                required: ['name', 'generator'],
                properties: {
                  ...common,
                  generator: { const: 'sequence', description: 'Row number.' },
                  start: { type: 'number', default: 1 },
                },
              },
              {
                type: 'object',
                required: ['name', 'generator'],
                properties: { ...common, generator: { const: 'uuid', description: 'A UUID.' } },
              },
            ],
          },
        },
        query: {
          anyOf: [
            { type: 'object', required: ['table'], properties: { table: { type: 'string' } } },
            { type: 'object', required: ['sql'], properties: { sql: { type: 'string' } } },
          ],
        },
      },
    });
    expect(rows.map((r) => [r.key, r.depth, r.name, r.variant, r.description ?? ''])).toEqual([
      ['columns', 0, 'columns', false, ''],
      ['columns[].name', 1, 'name', false, ''],
      ['columns[]<0>', 1, 'generator: sequence', true, 'Row number.'],
      ['columns[]<0>.start', 2, 'start', false, ''],
      ['columns[]<1>', 1, 'generator: uuid', true, 'A UUID.'],
      ['query', 0, 'query', false, ''],
      ['query<0>', 1, '{ table }', true, ''],
      ['query<0>.table', 2, 'table', false, ''],
      ['query<1>', 1, '{ sql }', true, ''],
      ['query<1>.sql', 2, 'sql', false, ''],
    ]);
  });

  it('stops at a schema that refers to itself', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).child = node;
    expect(fieldReference(node).length).toBeLessThan(20);
  });

  it('reads nothing from a schema that is not an object', () => {
    expect(fieldReference(undefined)).toEqual([]);
    expect(fieldReference('x')).toEqual([]);
  });
});

describe('typeLabel and formatValue', () => {
  it('names unions, arrays of unions, maps and nulls', () => {
    expect(typeLabel({ anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] })).toBe(
      'string | number | null',
    );
    expect(typeLabel({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } })).toBe(
      '(string | integer)[]',
    );
    expect(typeLabel({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map<string>');
    expect(typeLabel({})).toBe('any');
  });

  it('writes values as YAML would', () => {
    expect(formatValue('include')).toBe('include');
    expect(formatValue('')).toBe('""');
    expect(formatValue(5432)).toBe('5432');
    expect(formatValue({ a: [1] })).toBe('{"a":[1]}');
  });
});
