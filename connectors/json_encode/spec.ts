import { Type } from '@sinclair/typebox';
import type { Row } from '../../src-main/engine/batch';
import { defineProcessor } from '../../src-main/engine/component';
import { columnAt, placeColumns, widened } from '../shared/processor-kit';
import { toJsonSafe } from '../shared/values';

/** Config of the `json_encode` processor. */
export const JsonEncodeSchema = Type.Object(
  {
    as: Type.String({
      minLength: 1,
      description: 'The field the JSON text goes to: a field of that name is replaced, else it is appended.',
      examples: ['payload'],
    }),
    fields: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description:
          'The fields to encode, in this order, as the keys of one JSON object; default every field.',
        examples: [['id', 'name', 'address']],
      }),
    ),
    drop_fields: Type.Optional(
      Type.Boolean({
        description: 'Remove the encoded fields from the row, keeping the rest.',
        default: false,
      }),
    ),
  },
  { additionalProperties: false },
);

/** `json_encode`: fields → one field of JSON text. */
export const jsonEncodeProcessor = defineProcessor({
  name: 'json_encode',
  category: 'transform',
  title: 'JSON encode',
  description:
    'Writes fields as one JSON object into a text field: decimals and big integers as strings (never rounded), timestamps as ISO 8601, bytes as base64.',
  status: 'stable',
  schema: JsonEncodeSchema,
  examples: [
    { title: 'The whole row as JSON', config: { as: 'payload' } },
    {
      title: 'Pack the address fields',
      config: { as: 'address', fields: ['street', 'city', 'postcode'], drop_fields: true },
    },
  ],
  create(config) {
    return {
      bind(columns) {
        const indices = config.fields
          ? config.fields.map((name, i) => columnAt(`fields[${i}]`, columns, name))
          : columns.map((_c, i) => i);
        const keys = indices.map((i) => columns[i].name);
        const placed = placeColumns(columns, [{ name: config.as, type: 'string' }]);
        const slot = placed.slots[0];
        const width = placed.columns.length;
        const encoded = new Set(indices);
        const kept = placed.columns
          .map((_c, i) => i)
          .filter((i) => i === slot || !(config.drop_fields && encoded.has(i)));
        const trimmed = kept.length < width;

        const encode = (row: Row): string => {
          const object: Record<string, unknown> = {};
          for (let k = 0; k < keys.length; k++) object[keys[k]] = toJsonSafe(row[indices[k]]);
          return JSON.stringify(object);
        };

        return {
          columns: kept.map((i) => placed.columns[i]),
          process(rows) {
            const out = new Array<Row>(rows.length);
            for (let r = 0; r < rows.length; r++) {
              const next = widened(rows[r], width);
              next[slot] = encode(rows[r]);
              out[r] = trimmed ? kept.map((i) => next[i]) : next;
            }
            return out;
          },
        };
      },
    };
  },
});
