import { bench, describe } from 'vitest';
import type { Column, Row } from '../batch';
import { compileExpression, compilePredicate } from './compile';

/*
 * Evaluations per second of compiled expressions, one core. Each bench call runs over 1M
 * rows, so ops/s × 1,000,000 is evaluations per second (see BENCHMARKS.md, "Expressions").
 * The rows are typed as a database or a typed CSV reader delivers them: ints as numbers,
 * decimals as text.
 */

const ROWS = 1_000_000;
const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'int' },
  { name: 'price', type: 'decimal' },
  { name: 'status', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'qty_text', type: 'string' },
];
const STATUSES = ['paid', 'pending', 'cancelled', 'shipped'];
const NAMES = ['  alice ', 'Bob', ' carol', 'dave  ', 'Eve'];
const rows: Row[] = Array.from({ length: ROWS }, (_, i) => [
  i,
  (i % 7) - 1,
  ((i % 500) + 0.99).toFixed(2),
  STATUSES[i % 4],
  NAMES[i % 5],
  String(i % 7),
]);

/** Runs a predicate over all rows; the count keeps the work from being optimised away. */
function countKept(test: (row: Row) => boolean): void {
  let kept = 0;
  for (let i = 0; i < rows.length; i++) if (test(rows[i])) kept++;
  if (kept === 0) throw new Error('nothing kept');
}

function evaluateAll(evaluate: (row: Row) => unknown): void {
  let length = 0;
  for (let i = 0; i < rows.length; i++) length += (evaluate(rows[i]) as string).length;
  if (length === 0) throw new Error('nothing computed');
}

describe('filters over 1M rows (ops/s × 1M = evaluations/s)', () => {
  const target = compilePredicate("qty > 0 AND status <> 'cancelled'", columns);
  bench("qty > 0 AND status <> 'cancelled'", () => countKept(target));

  const inBetween = compilePredicate("status IN ('paid', 'pending') AND price BETWEEN 10 AND 100", columns);
  bench("status IN ('paid', 'pending') AND price BETWEEN 10 AND 100", () => countKept(inBetween));

  const textNumbers = compilePredicate("qty_text > 0 AND status LIKE 'pa%'", columns);
  bench("qty_text > 0 AND status LIKE 'pa%' (numbers as text)", () => countKept(textNumbers));
});

describe('transforms over 1M rows (ops/s × 1M = evaluations/s)', () => {
  const fiveFunctions = compileExpression(
    "CONCAT(UPPER(TRIM(name)), '-', LPAD(CAST(id AS TEXT), 8, '0'), '-', ROUND(price * 1.1, 2))",
    columns,
  ).evaluate;
  bench("CONCAT(UPPER(TRIM(name)), '-', LPAD(CAST(id AS TEXT), 8, '0'), '-', ROUND(price * 1.1, 2))", () =>
    evaluateAll(fiveFunctions),
  );

  const decimalMath = compileExpression('price * qty + 0.05', columns).evaluate;
  bench('price * qty + 0.05 (exact decimals)', () => evaluateAll(decimalMath));
});
