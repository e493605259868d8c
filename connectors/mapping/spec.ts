import { Type } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import { defineProcessor, FieldError } from '../../src-main/engine/component';
import { closestNames } from '../../src-main/engine/similar';

/** Config of the `mapping` processor: either `fields` or `drop`. */
export const MappingSchema = Type.Object(
  {
    fields: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
        minProperties: 1,
        description:
          'The output row, exactly these fields in this order: `new_name: source_name`. Selects, renames and reorders.',
        examples: [{ order_id: 'id', customer_id: 'user_id' }],
      }),
    ),
    drop: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Columns to remove; all others pass through in their order. Use instead of `fields`.',
        examples: [['password_hash', 'internal_note']],
      }),
    ),
  },
  { additionalProperties: false },
);

/** Index of the column named `name`: exact match first, then ignoring case when that is unambiguous. */
function columnIndex(columns: Column[], name: string): number {
  const exact = columns.findIndex((c) => c.name === name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  const matches = columns.filter((c) => c.name.toLowerCase() === lower);
  return matches.length === 1 ? columns.indexOf(matches[0]) : -1;
}

function unknownColumn(columns: Column[], name: string): string {
  const names = columns.map((c) => c.name);
  const close = closestNames(names, name, 3);
  if (close.length > 0)
    return `unknown column "${name}" (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)`;
  return `unknown column "${name}" (columns: ${names.join(', ')})`;
}

/** Copies the values at `indices` of each row into a new row. */
function project(indices: number[]): (rows: Row[]) => Row[] {
  return (rows) => {
    const out = new Array<Row>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const next = new Array<unknown>(indices.length);
      for (let i = 0; i < indices.length; i++) next[i] = row[indices[i]];
      out[r] = next;
    }
    return out;
  };
}

/** `mapping`: selects, renames and reorders fields (`fields`), or removes some (`drop`). */
export const mappingProcessor = defineProcessor({
  name: 'mapping',
  category: 'transform',
  title: 'Mapping',
  description:
    'Builds the output row from named fields (`new_name: source_name`: select, rename, reorder), or drops the listed columns and keeps the rest.',
  status: 'stable',
  schema: MappingSchema,
  examples: [
    {
      title: 'Rename and keep three fields',
      config: { fields: { order_id: 'id', customer_id: 'user_id', qty: 'qty' } },
    },
    { title: 'Drop sensitive columns', config: { drop: ['password_hash'] } },
  ],
  create(config) {
    const { fields, drop } = config;
    if (fields && drop) throw new FieldError('drop', 'give either `fields` or `drop`, not both');
    if (!fields && !drop)
      throw new FieldError('fields', 'give `fields` (the output row) or `drop` (columns to remove)');
    return {
      bind(columns) {
        let indices: number[];
        let names: string[];
        if (fields) {
          names = Object.keys(fields);
          indices = names.map((name) => {
            const index = columnIndex(columns, fields[name]);
            if (index < 0) throw new FieldError(`fields.${name}`, unknownColumn(columns, fields[name]));
            return index;
          });
        } else {
          const dropped = new Set(
            (drop ?? []).map((name, i) => {
              const index = columnIndex(columns, name);
              if (index < 0) throw new FieldError(`drop[${i}]`, unknownColumn(columns, name));
              return index;
            }),
          );
          indices = columns.map((_c, i) => i).filter((i) => !dropped.has(i));
          if (indices.length === 0)
            throw new FieldError('drop', 'drops every column: nothing would be left to write');
          names = indices.map((i) => columns[i].name);
        }
        return {
          columns: indices.map((index, i) => ({ ...columns[index], name: names[i] })),
          process: project(indices),
        };
      },
    };
  },
});
