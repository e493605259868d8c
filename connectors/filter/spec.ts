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
  },
  { additionalProperties: false },
);

/** `filter`: keeps the rows whose SQL condition is TRUE. */
export const filterProcessor = defineProcessor({
  name: 'filter',
  category: 'transform',
  title: 'Filter',
  description:
    'Keeps rows whose SQL condition is true (comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, CASE, functions); drops the rest.',
  status: 'stable',
  schema: FilterSchema,
  examples: [
    { title: 'Paid orders with a quantity', config: { condition: "qty > 0 AND status <> 'void'" } },
    { title: 'Rows from 2024 on', config: { condition: "created_at >= '2024-01-01'" } },
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
        return {
          columns,
          process(rows) {
            const kept = [];
            for (const row of rows) if (test(row)) kept.push(row);
            return kept;
          },
        };
      },
    };
  },
});
