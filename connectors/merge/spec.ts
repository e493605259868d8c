import { Type, type Static } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import { childPath } from '../../src-main/config/config-path';
import { defineProcessor, FieldError, type ProcessContext } from '../../src-main/engine/component';
import {
  accumulatorKind,
  UnsupportedInputError,
  type Accumulator,
  type AccumulatorKind,
} from '../shared/stateful/accumulators';
import { keyFunction, type Canonical } from '../shared/stateful/keys';
import { columnAt } from '../shared/processor-kit';

/** The rules a merged field can follow. */
export const MERGE_RULES = ['first', 'last', 'sum', 'max', 'min', 'concat', 'collect'] as const;
export type MergeRule = (typeof MERGE_RULES)[number];

const RuleName = Type.Union(
  MERGE_RULES.map((rule) => Type.Literal(rule)),
  {
    description:
      'first / last: the first / last non-NULL value; sum: the exact total; min / max: the extreme; concat: the values as text, joined by separator; collect: the values as a JSON array.',
  },
);

/** Config of the `merge` processor. */
export const MergeSchema = Type.Object(
  {
    key: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Fields whose values identify the rows to merge into one (NULLs are equal to each other).',
      examples: [['order_id']],
    }),
    fields: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.Union([
          RuleName,
          Type.Object(
            {
              rule: RuleName,
              separator: Type.Optional(
                Type.String({ description: 'concat: text between two values.', default: ',' }),
              ),
            },
            { additionalProperties: false },
          ),
        ]),
        {
          description:
            'How each field of the merged row is made from the rows of its key: `field: rule` or `field: { rule: concat, separator: "; " }`. Fields not listed follow `default`.',
          examples: [
            { qty: 'sum', tags: { rule: 'concat', separator: ';' }, events: 'collect', updated_at: 'max' },
          ],
        },
      ),
    ),
    default: Type.Optional(
      Type.Union([Type.Literal('first'), Type.Literal('last')], {
        default: 'first',
        description: 'The rule of the fields `fields` does not list.',
      }),
    ),
    sorted: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'The input comes sorted by key (ORDER BY key): a merged row goes out as soon as the key changes, and only one key is held at a time. Otherwise every key is held until the input ends.',
      }),
    ),
  },
  { additionalProperties: false },
);

type FieldRule = NonNullable<Static<typeof MergeSchema>['fields']>[string];

/** One merged key: the key values of its first row and one accumulator per other field. */
interface Merged {
  row: Row;
  accumulators: Accumulator[];
}

/** `merge`: rows sharing a key become one row, each field by its rule. */
export const mergeProcessor = defineProcessor({
  name: 'merge',
  category: 'aggregate',
  title: 'Merge',
  description:
    'Merges the rows that share a key into one row, each field by its rule: first, last, sum, max, min, concat (with a separator) or collect (a JSON array).',
  status: 'stable',
  schema: MergeSchema,
  examples: [
    {
      title: 'One row per order, quantities summed, items listed',
      config: {
        key: ['order_id'],
        fields: { qty: 'sum', item: { rule: 'concat', separator: ', ' }, updated_at: 'max' },
      },
    },
    {
      title: 'Latest known value of every field, input sorted by key',
      config: { key: ['customer_id'], default: 'last', sorted: true },
    },
  ],
  create(config) {
    const rules = config.fields ?? {};
    const defaultRule: MergeRule = config.default ?? 'first';
    for (const [name, rule] of Object.entries(rules))
      if (typeof rule === 'object' && rule.separator !== undefined && rule.rule !== 'concat')
        throw new FieldError(
          `${childPath('fields', name)}.separator`,
          `a separator is for concat, not ${rule.rule}`,
        );
    return {
      oneLaneReason: 'merge needs every row of a key in one place',
      bind(columns) {
        const keyIndices = config.key.map((name, i) => columnAt(`key[${i}]`, columns, name));
        const ruleOf = new Map<number, { rule: MergeRule; separator?: string }>();
        for (const [name, rule] of Object.entries(rules)) {
          const path = childPath('fields', name);
          const index = columnAt(path, columns, name);
          if (keyIndices.includes(index))
            throw new FieldError(
              path,
              `"${columns[index].name}" is a key field: it is the same in every row merged`,
            );
          ruleOf.set(index, typeof rule === 'string' ? { rule } : (rule as Exclude<FieldRule, string>));
        }
        const merged: { index: number; kind: AccumulatorKind; name: string }[] = [];
        const out: Column[] = columns.map((column, index) => {
          if (keyIndices.includes(index)) return column;
          const { rule, separator } = ruleOf.get(index) ?? { rule: defaultRule };
          let kind: AccumulatorKind;
          try {
            kind = accumulatorKind(rule, column.type, { separator });
          } catch (error) {
            if (!(error instanceof UnsupportedInputError)) throw error;
            throw new FieldError(
              childPath('fields', column.name),
              `${(error as Error).message} ("${column.name}" is ${column.type})`,
            );
          }
          merged.push({ index, kind, name: column.name });
          return kind.type === column.type ? column : { name: column.name, type: kind.type, nullable: true };
        });
        const keyOf = keyFunction(
          keyIndices,
          keyIndices.map((i) => columns[i].type),
        );
        const held = new Map<Canonical, Merged>();
        let currentKey: Canonical | undefined;

        const start = (row: Row): Merged => {
          const first: Row = new Array<unknown>(columns.length).fill(null);
          for (const i of keyIndices) first[i] = row[i];
          return { row: first, accumulators: merged.map((m) => m.kind.create()) };
        };
        const finish = (entry: Merged): Row => {
          const row = entry.row;
          merged.forEach((m, i) => (row[m.index] = entry.accumulators[i].result()));
          return row;
        };
        const add = (row: Row, ctx: ProcessContext): boolean => {
          for (const m of merged) {
            const value = row[m.index];
            if (value === null || value === undefined) continue;
            try {
              m.kind.check(value);
            } catch (error) {
              ctx.reject(row, new Error(`${m.name}: ${(error as Error).message}`, { cause: error }));
              return false;
            }
          }
          return true;
        };

        return {
          columns: out,
          process(rows, ctx) {
            const done: Row[] = [];
            for (const row of rows) {
              if (!add(row, ctx)) continue;
              const key = keyOf(row);
              let entry = held.get(key);
              if (!entry) {
                if (config.sorted && currentKey !== undefined) {
                  // Sorted input: the previous key is complete.
                  done.push(finish(held.get(currentKey) as Merged));
                  held.delete(currentKey);
                }
                entry = start(row);
                held.set(key, entry);
                currentKey = key;
              }
              for (let i = 0; i < merged.length; i++) {
                const value = row[merged[i].index];
                if (value !== null && value !== undefined) entry.accumulators[i].add(value);
              }
            }
            return done;
          },
          flush() {
            const done = [...held.values()].map(finish);
            held.clear();
            currentKey = undefined;
            return done;
          },
        };
      },
    };
  },
});
