import { Type } from '@sinclair/typebox';
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
  widened,
} from '../shared/processor-kit';

/** Config of the `split` processor. */
export const SplitSchema = Type.Object(
  {
    field: Type.String({
      minLength: 1,
      description: 'The field to split: a JSON array, or text cut at `delimiter`.',
    }),
    delimiter: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Cuts text at every occurrence of this string (not a pattern); required for a text field.',
        examples: [',', ';', ' | '],
      }),
    ),
    as: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The field each element goes to; default `field` itself, replaced where it stands (a new name is appended).',
      }),
    ),
    // Not `type`: that names the processor (`type: split`) in the section.
    element_type: Type.Optional(
      logicalTypeSchema(
        'Logical type of the element field; default string for text, json for an array (element_type: string gives text for arrays of strings). An element that does not convert is an error for its row.',
      ),
    ),
    trim: Type.Optional(
      Type.Boolean({ description: 'Text: remove spaces around each piece.', default: true }),
    ),
    keep_empty: Type.Optional(
      Type.Boolean({
        description:
          'Keep empty elements ("" between two delimiters, null in an array), and keep a row whose list is empty or NULL, once, with a NULL element. Default: they give no row (counted as dropped).',
        default: false,
      }),
    ),
    index_field: Type.Optional(
      Type.String({
        minLength: 1,
        description: "A field for each element's position in the list, from 0 (int).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Elements of a value with their positions in the list; an error for a value that is no list. */
type Elements = { value: unknown; position: number }[];

/** `split`: one row per element of an array or of delimited text. */
export const splitProcessor = defineProcessor({
  name: 'split',
  category: 'transform',
  title: 'Split',
  description:
    'Turns a row into one row per element of an array field or of a delimited text field, optionally with the position of each element.',
  status: 'stable',
  schema: SplitSchema,
  examples: [
    { title: 'One row per tag', config: { field: 'tags', delimiter: ',', as: 'tag' } },
    {
      title: 'Order lines from a JSON array, numbered',
      config: { field: 'items', as: 'item', index_field: 'line_no' },
    },
  ],
  create(config) {
    const trim = config.trim ?? true;
    const keepEmpty = config.keep_empty ?? false;
    const { delimiter } = config;
    return {
      bind(columns) {
        const index = columnAt('field', columns, config.field);
        const source = columns[index];
        const isText = source.type !== 'json';
        if (isText && delimiter === undefined)
          throw new FieldError(
            'delimiter',
            `"${source.name}" is ${source.type === 'string' ? 'text' : `a ${source.type} field`}: give the delimiter to cut it at`,
          );
        const elementType: LogicalType = config.element_type ?? (isText ? 'string' : 'json');
        const naturalType: LogicalType = isText ? 'string' : 'json';
        const set: Column[] = [{ name: config.as ?? source.name, type: elementType }];
        if (config.index_field !== undefined) set.push({ name: config.index_field, type: 'int' });
        const placed = placeColumns(columns, set);
        const [slot, indexSlot] = placed.slots;
        if (indexSlot === slot) throw new FieldError('index_field', 'must differ from the element field');
        const width = placed.columns.length;
        // A type other than the element's own: converted by CAST, read from the row the element is put in.
        const convert =
          elementType === naturalType
            ? undefined
            : compileAt(
                'element_type',
                castSql(sqlIdentifier(set[0].name), elementType),
                placed.columns.map((c, i) => (i === slot ? { name: c.name, type: naturalType } : c)),
              ).evaluate;

        const elementsOf = (value: unknown): Elements => {
          if (value === null || value === undefined) return [];
          let list: unknown[];
          if (Array.isArray(value)) list = value;
          else if (typeof value === 'string' && delimiter !== undefined && isText) {
            if (value === '') return [];
            list = value.split(delimiter).map((piece) => (trim ? piece.trim() : piece));
          } else {
            const shown =
              typeof value === 'string' ? `text ${JSON.stringify(value.slice(0, 40))}` : `${typeof value}`;
            throw new Error(`expected ${isText ? 'text or an array' : 'an array'}, got ${shown}`);
          }
          const elements: Elements = [];
          list.forEach((element, position) => {
            if (keepEmpty || (element !== null && element !== undefined && element !== ''))
              elements.push({ value: element ?? null, position });
          });
          return elements;
        };

        return {
          columns: placed.columns,
          process(rows, ctx) {
            const out: Row[] = [];
            next: for (const row of rows) {
              let elements: Elements;
              try {
                elements = elementsOf(row[index]);
              } catch (error) {
                ctx.reject(row, fieldMessage('field', error));
                continue;
              }
              if (elements.length === 0) {
                if (!keepEmpty) continue;
                elements = [{ value: null, position: -1 }];
              }
              const made: Row[] = [];
              for (const { value, position } of elements) {
                const piece = widened(row, width);
                piece[slot] = value;
                if (indexSlot !== undefined) piece[indexSlot] = position >= 0 ? position : null;
                if (convert && value !== null) {
                  const bad = integerTextError(elementType, value);
                  try {
                    if (bad !== undefined) throw new Error(bad);
                    piece[slot] = convert(piece);
                  } catch (error) {
                    ctx.reject(row, fieldMessage(`element ${position}`, error));
                    continue next;
                  }
                }
                made.push(piece);
              }
              for (const piece of made) out.push(piece);
            }
            return out;
          },
        };
      },
    };
  },
});
