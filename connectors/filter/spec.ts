import { Type } from '@sinclair/typebox';
import { defineProcessor, FieldError } from '../../src-main/engine/component';
import { compilePredicate, ExpressionError } from '../../src-main/engine/expression/compile';

/** Config of the `filter` processor. */
export const FilterSchema = Type.Object(
  {
    condition: Type.String({
      minLength: 1,
      description:
        "SQL condition a row must meet to pass, e.g. `qty > 0 AND status <> 'void'`. Rows where it is FALSE or NULL are dropped.",
      examples: ["qty > 0 AND status <> 'void'", "email LIKE '%@example.com'", 'deleted_at IS NULL'],
    }),
    mode: Type.Optional(
      Type.Union([Type.Literal('include'), Type.Literal('exclude')], {
        description:
          'include keeps the rows where the condition is TRUE; exclude drops them and keeps the rest (FALSE or NULL), so include and exclude of one condition split the rows between them.',
        default: 'include',
      }),
    ),
  },
  { additionalProperties: false },
);

/** `filter`: keeps the rows whose SQL condition is TRUE. */
export const filterProcessor = defineProcessor({
  name: 'filter',
  category: 'filter',
  title: 'Filter',
  description:
    'Keeps rows whose SQL condition is true (comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, CASE, functions); drops the rest.',
  status: 'stable',
  schema: FilterSchema,
  examples: [
    { title: 'Paid orders with a quantity', config: { condition: "qty > 0 AND status <> 'void'" } },
    { title: 'Rows from 2024 on', config: { condition: "created_at >= '2024-01-01'" } },
    {
      title: 'Everything but test accounts',
      config: { condition: "email LIKE '%@test.example'", mode: 'exclude' },
    },
  ],
  create(config) {
    return {
      bind(columns) {
        let test: ReturnType<typeof compilePredicate>;
        try {
          test = compilePredicate(config.condition, columns);
        } catch (err) {
          if (err instanceof ExpressionError) throw new FieldError('condition', err.message, err.position);
          throw err;
        }
        const keep = config.mode !== 'exclude';
        return {
          columns,
          process(rows, ctx) {
            const kept = [];
            for (const row of rows) {
              // A row the condition cannot be evaluated on (division by zero, a bad CAST) is an error for that row.
              try {
                if (test(row) === keep) kept.push(row);
              } catch (error) {
                ctx.reject(row, error);
              }
            }
            return kept;
          },
        };
      },
    };
  },
});
