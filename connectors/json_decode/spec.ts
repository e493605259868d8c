import { Type, type Static } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import { defineProcessor, FieldError } from '../../src-main/engine/component';
import type { LogicalType } from '../../src-shared/types/logical';
import {
  castSql,
  columnAt,
  compileAt,
  fieldMessage,
  integerTextError,
  logicalTypeSchema,
  placeColumns,
  sqlIdentifier,
  sqlString,
  widened,
} from '../shared/processor-kit';

const PathSchema = Type.String({
  minLength: 1,
  description:
    "JSON path inside the value: '$.customer.name', '$.items[0].sku' (the leading $. may be left out).",
});

const ExtractSchema = Type.Union([
  PathSchema,
  Type.Object(
    {
      path: PathSchema,
      type: Type.Optional(
        logicalTypeSchema(
          'Logical type of the column: text (strings as they are, other values as JSON text), a number, date, timestamp, bool, json (the value as it is) …',
          'string',
        ),
      ),
    },
    { additionalProperties: false },
  ),
]);

/** Config of the `json_decode` processor. */
export const JsonDecodeSchema = Type.Object(
  {
    field: Type.String({ minLength: 1, description: 'The field holding JSON text.' }),
    as: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Without `fields`: the field the decoded value (logical type json) goes to; default `field` itself, replaced.',
      }),
    ),
    fields: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), ExtractSchema, {
        minProperties: 1,
        description:
          'Values to extract into fields instead, `name: path` or `name: { path, type }` (default type string); a field of that name is replaced, others are appended. A path that is not there gives NULL.',
        examples: [{ customer: '$.customer.name', amount: { path: '$.total', type: 'decimal' } }],
      }),
    ),
    drop_field: Type.Optional(
      Type.Boolean({
        description: 'With `fields`: remove the JSON text field from the row.',
        default: false,
      }),
    ),
  },
  { additionalProperties: false },
);

type Extract = Static<typeof ExtractSchema>;

/** A path as the expression engine reads it: `$` first. */
function jsonPath(path: string): string {
  const trimmed = path.trim();
  if (trimmed.startsWith('$')) return trimmed;
  return trimmed.startsWith('[') ? `$${trimmed}` : `$.${trimmed}`;
}

/** JSON text parsed, or an error naming the text and where the parser stopped. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const shown = text.length > 40 ? `${text.slice(0, 39)}…` : text;
    // V8 repeats the text ("Unexpected token 'w', "{"a": w" is not valid JSON"); the reason is enough.
    const reason = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    throw new Error(`${JSON.stringify(shown)} is not valid JSON (${reason})`, { cause: error });
  }
}

/** One extracted field: how it is read from the row with the decoded value in place. */
interface Extracted {
  path: string;
  column: Column;
  evaluate: (row: Row) => unknown;
  /** For int/bigint: the value as text, checked to be whole before the cast. */
  text?: (row: Row) => unknown;
}

function compileExtract(name: string, extract: Extract, field: string, decoded: Column[]): Extracted {
  const { path, type } = typeof extract === 'string' ? { path: extract, type: undefined } : extract;
  const at = typeof extract === 'string' ? `fields.${name}` : `fields.${name}.path`;
  const logical: LogicalType = type ?? 'string';
  const value = sqlIdentifier(field);
  const quoted = sqlString(jsonPath(path));
  const asText = `(${value} ->> ${quoted})`;
  const sql =
    logical === 'json'
      ? `JSON_EXTRACT(${value}, ${quoted})`
      : logical === 'string'
        ? asText
        : castSql(asText, logical);
  const extracted: Extracted = {
    path: `fields.${name}`,
    column: { name, type: logical },
    evaluate: compileAt(at, sql, decoded).evaluate,
  };
  if (logical === 'int' || logical === 'bigint') extracted.text = compileAt(at, asText, decoded).evaluate;
  return extracted;
}

/** `json_decode`: JSON text → a json value, or values at paths inside it → typed fields. */
export const jsonDecodeProcessor = defineProcessor({
  name: 'json_decode',
  category: 'transform',
  title: 'JSON decode',
  description:
    'Parses a field of JSON text into a JSON value, or extracts values at paths inside it into typed fields. Text that is not JSON is an error for its row.',
  status: 'stable',
  schema: JsonDecodeSchema,
  examples: [
    { title: 'Decode a payload', config: { field: 'payload' } },
    {
      title: 'Extract typed fields',
      config: {
        field: 'payload',
        fields: {
          customer: '$.customer.name',
          amount: { path: '$.total', type: 'decimal' },
          paid_at: { path: '$.paid_at', type: 'timestamptz' },
        },
        drop_field: true,
      },
    },
  ],
  create(config) {
    const extracts = Object.entries(config.fields ?? {});
    if (config.as !== undefined && extracts.length > 0)
      throw new FieldError('as', 'give `as` (one decoded field) or `fields` (values extracted), not both');
    if (config.drop_field && extracts.length === 0)
      throw new FieldError(
        'drop_field',
        'applies with `fields`; without them the decoded value replaces the field',
      );
    return {
      bind(columns) {
        const index = columnAt('field', columns, config.field);
        const name = columns[index].name;
        // Columns that are JSON already carry decoded values; text is parsed.
        const parses = columns[index].type !== 'json';
        const decodedColumns = columns.map((c, i): Column => (i === index ? { name, type: 'json' } : c));
        const extracted = extracts.map(([key, extract]) =>
          compileExtract(key, extract, name, decodedColumns),
        );
        const placed =
          extracted.length > 0
            ? placeColumns(
                columns,
                extracted.map((e) => e.column),
              )
            : placeColumns(columns, [{ name: config.as ?? name, type: 'json' }]);
        const width = placed.columns.length;
        // The JSON text field goes unless an extracted field took its place.
        const dropped = config.drop_field && !placed.slots.includes(index);
        const kept = placed.columns.map((_c, i) => i).filter((i) => !(dropped && i === index));

        const decode = (value: unknown): unknown =>
          parses && typeof value === 'string' ? parseJson(value) : value;

        return {
          columns: kept.map((i) => placed.columns[i]),
          process(rows, ctx) {
            const out: Row[] = [];
            next: for (const row of rows) {
              let value: unknown;
              try {
                value = decode(row[index] ?? null);
              } catch (error) {
                ctx.reject(row, fieldMessage('field', error));
                continue;
              }
              const result = widened(row, width);
              if (extracted.length === 0) {
                result[placed.slots[0]] = value;
              } else {
                const decoded = row.slice();
                decoded[index] = value;
                for (let i = 0; i < extracted.length; i++) {
                  const { path, evaluate, text } = extracted[i];
                  try {
                    const bad = text && integerTextError(extracted[i].column.type, text(decoded));
                    if (bad) throw new Error(bad);
                    result[placed.slots[i]] = evaluate(decoded);
                  } catch (error) {
                    ctx.reject(row, fieldMessage(path, error));
                    continue next;
                  }
                }
              }
              out.push(dropped ? kept.map((i) => result[i]) : result);
            }
            return out;
          },
        };
      },
    };
  },
});
