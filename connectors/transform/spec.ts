import { Type, type Static } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import { defineProcessor, FieldError, type ProcessContext } from '../../src-main/engine/component';
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
  widened,
} from '../shared/processor-kit';
import { compileTimeConversion, timeTarget } from '../shared/temporal-sql';

const ComputedFields = (description: string) =>
  Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
    minProperties: 1,
    description,
    examples: [{ total: 'price * qty', name: 'UPPER(name)', day: "DATE_FORMAT(created_at, '%Y-%m-%d')" }],
  });

const CastSchema = Type.Object(
  {
    type: logicalTypeSchema('The logical type the value becomes.'),
    format: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "date, timestamp, timestamptz: how the text is written, in MySQL's % specifiers ('%d/%m/%Y %H:%i:%s'), or iso (default), epoch_seconds, epoch_millis.",
        examples: ['%Y-%m-%d %H:%i:%s', '%d/%m/%Y', 'epoch_millis'],
      }),
    ),
    time_zone: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'date, timestamp, timestamptz: the zone text without an offset is read in (IANA name or +08:00); default UTC. A timestamp becomes the UTC time of that instant; a date the date in this zone.',
        examples: ['Asia/Shanghai', '+08:00'],
      }),
    ),
    scale: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        description:
          'decimal: digits after the point, rounded half away from zero (12.345 → 12.35 at scale 2).',
      }),
    ),
    precision: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'decimal: at most this many digits in all; a larger value is an error for its row.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Config of the `transform` processor. */
export const TransformSchema = Type.Object(
  {
    fields: Type.Optional(
      ComputedFields(
        'Computed fields, `name: SQL expression`: a field of that name is replaced where it stands, a new one is appended, in this order. Every expression reads the row as it came in (after `cast`), not the other fields.',
      ),
    ),
    set: Type.Optional(ComputedFields('The same as `fields` (give one of them).')),
    cast: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), CastSchema, {
        minProperties: 1,
        description:
          'Fields converted to a logical type, before `fields` are computed: `field: { type, format?, time_zone?, scale?, precision? }`. A value that does not convert is an error for its row (see on_error).',
        examples: [
          {
            price: { type: 'decimal', scale: 2 },
            qty: { type: 'int' },
            ordered_at: { type: 'timestamp', format: '%d/%m/%Y %H:%i', time_zone: 'Asia/Shanghai' },
          },
        ],
      }),
    ),
  },
  { additionalProperties: false },
);

type CastConfig = Static<typeof CastSchema>;

const TEMPORAL = new Set<LogicalType>(['date', 'timestamp', 'timestamptz']);

/** One compiled cast: where it reads and writes, and how it converts. */
interface Cast {
  path: string;
  index: number;
  type: LogicalType;
  convert: (row: Row) => unknown;
}

function compileCast(name: string, cast: CastConfig, columns: Column[]): Cast {
  const path = `cast.${name}`;
  const index = columnAt(path, columns, name);
  const { type } = cast;
  if (cast.format !== undefined && !TEMPORAL.has(type))
    throw new FieldError(`${path}.format`, `format applies to date, timestamp and timestamptz, not ${type}`);
  if (cast.time_zone !== undefined && !TEMPORAL.has(type))
    throw new FieldError(
      `${path}.time_zone`,
      `time_zone applies to date, timestamp and timestamptz, not ${type}`,
    );
  if ((cast.scale !== undefined || cast.precision !== undefined) && type !== 'decimal')
    throw new FieldError(
      `${path}.${cast.scale !== undefined ? 'scale' : 'precision'}`,
      `applies to decimal, not ${type}`,
    );
  if (cast.precision !== undefined && (cast.scale ?? 0) > cast.precision)
    throw new FieldError(`${path}.scale`, `must not exceed precision (${cast.precision})`);
  if (TEMPORAL.has(type)) {
    const zone = cast.time_zone ?? 'UTC';
    const target = timeTarget(type === 'date' ? 'date' : 'timestamptz', `${path}.type`, zone);
    const convert = compileTimeConversion(
      columns,
      index,
      { from: cast.format ?? 'iso', fromPath: `${path}.format`, zone, zonePath: `${path}.time_zone` },
      target.wrap,
    );
    return { path, index, type, convert };
  }
  const sql = castSql(sqlIdentifier(columns[index].name), type, cast);
  return { path, index, type, convert: compileAt(path, sql, columns).evaluate };
}

/** `transform`: converts fields to logical types (`cast`) and sets computed fields (`fields`). */
export const transformProcessor = defineProcessor({
  name: 'transform',
  category: 'transform',
  title: 'Transform',
  description:
    'Sets computed fields from SQL expressions (new or replacing, the rest kept) and converts fields to logical types, with formats for dates and times and scales for decimals.',
  status: 'stable',
  schema: TransformSchema,
  examples: [
    {
      title: 'Totals and clean names',
      config: { fields: { total: 'price * qty', name: 'UPPER(TRIM(name))' } },
    },
    {
      title: 'Typed values from a CSV file',
      config: {
        cast: {
          price: { type: 'decimal', scale: 2 },
          qty: { type: 'int' },
          ordered_at: { type: 'timestamptz', format: '%d/%m/%Y %H:%i', time_zone: 'Asia/Shanghai' },
        },
        fields: { total: 'price * qty' },
      },
    },
  ],
  create(config) {
    if (config.fields && config.set)
      throw new FieldError('set', 'give either `fields` or `set` (the same thing), not both');
    const fields = config.fields ?? config.set;
    const fieldsKey = config.fields ? 'fields' : 'set';
    const castEntries = Object.entries(config.cast ?? {});
    if (!fields && castEntries.length === 0)
      throw new FieldError('fields', 'give `fields` (computed fields) and/or `cast` (type conversions)');
    return {
      bind(columns) {
        const casts = castEntries.map(([name, cast]) => compileCast(name, cast, columns));
        const castColumns = [...columns];
        for (const cast of casts)
          castColumns[cast.index] = { name: columns[cast.index].name, type: cast.type };
        const computed = Object.entries(fields ?? {}).map(([name, source]) => {
          const path = `${fieldsKey}.${name}`;
          const compiled = compileAt(path, source, castColumns, true);
          // An expression whose type depends on the data (NULL, a JSON path) travels as text.
          const type: LogicalType = compiled.type === 'unknown' ? 'string' : compiled.type;
          return { path, column: { name, type }, evaluate: compiled.evaluate };
        });
        const placed = placeColumns(
          castColumns,
          computed.map((c) => c.column),
        );
        const width = placed.columns.length;
        const slots = placed.slots;

        /** The row with its casts applied, or undefined after rejecting it. */
        const castRow = (row: Row, ctx: ProcessContext): Row | undefined => {
          const next = row.slice();
          for (const cast of casts) {
            const value = row[cast.index];
            if (value === null || value === undefined) continue;
            const bad = integerTextError(cast.type, value);
            if (bad !== undefined) {
              ctx.reject(row, new Error(`${cast.path}: ${bad}`));
              return undefined;
            }
            try {
              next[cast.index] = cast.convert(row);
            } catch (error) {
              ctx.reject(row, fieldMessage(cast.path, error));
              return undefined;
            }
          }
          return next;
        };

        return {
          columns: placed.columns,
          process(rows, ctx) {
            const out: Row[] = [];
            for (const row of rows) {
              const source = casts.length > 0 ? castRow(row, ctx) : row;
              if (!source) continue;
              if (computed.length === 0) {
                out.push(source);
                continue;
              }
              const next = widened(source, width);
              let ok = true;
              for (let i = 0; i < computed.length; i++) {
                try {
                  next[slots[i]] = computed[i].evaluate(source);
                } catch (error) {
                  ctx.reject(row, fieldMessage(computed[i].path, error));
                  ok = false;
                  break;
                }
              }
              if (ok) out.push(next);
            }
            return out;
          },
        };
      },
    };
  },
});
