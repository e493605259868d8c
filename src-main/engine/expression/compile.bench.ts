import { bench, describe } from 'vitest';
import type { Column, Row } from '../batch';
import { compilePredicate } from './compile';

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'string' },
  { name: 'price', type: 'decimal' },
  { name: 'status', type: 'string' },
];
const STATUSES = ['paid', 'pending', 'void'];
const rows: Row[] = Array.from({ length: 1_000_000 }, (_, i) => [
  i,
  String(i % 7),
  ((i % 500) + 0.99).toFixed(2),
  STATUSES[i % 3],
]);

describe('filter over 1M rows', () => {
  const numericAndText = compilePredicate("qty > 0 AND status <> 'void'", columns);
  bench("qty > 0 AND status <> 'void'", () => {
    let kept = 0;
    for (const row of rows) if (numericAndText(row)) kept++;
    if (kept === 0) throw new Error('nothing kept');
  });

  const inAndLike = compilePredicate("status IN ('paid', 'pending') AND price BETWEEN 10 AND 100", columns);
  bench('status IN (…) AND price BETWEEN 10 AND 100', () => {
    let kept = 0;
    for (const row of rows) if (inAndLike(row)) kept++;
    if (kept === 0) throw new Error('nothing kept');
  });
});
