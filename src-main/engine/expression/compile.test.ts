import { describe, expect, it, vi } from 'vitest';
import type { Column } from '../batch';
import { compileExpression, compilePredicate, ExpressionError } from './compile';
import type * as parse from './parse';
import { parseExpression } from './parse';

vi.mock('./parse', async (importOriginal) => {
  const original = await importOriginal<typeof parse>();
  return { ...original, parseExpression: vi.fn(original.parseExpression) };
});

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'string' }, // as a CSV file delivers it
  { name: 'price', type: 'decimal' },
  { name: 'status', type: 'string' },
  { name: 'note', type: 'string' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'my col', type: 'int' },
  { name: 'active', type: 'bool' },
];

const row = [7, '10', '19.90', 'paid', null, new Date('2024-03-05T14:07:09Z'), '2024-03-05', 3, true];

const evaluate = (source: string, values: unknown[] = row): unknown =>
  compileExpression(source, columns).evaluate(values);

const errorOf = (source: string): ExpressionError => {
  try {
    compileExpression(source, columns);
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error(`expected ${source} to fail`);
};

describe('compileExpression', () => {
  it.each([
    // literals and columns
    ['42', 42],
    ['1.5', 1.5],
    ["'it''s'", "it's"],
    ['TRUE', true],
    ['NULL', null],
    ['status', 'paid'],
    ['`my col`', 3],
    ['"status"', 'paid'],
    ['"no such column"', 'no such column'],
    ['STATUS', 'paid'],
    // arithmetic, with numeric text converted
    ['qty * 2', 20],
    ['qty * price', 199],
    ['id / 2', 3.5],
    ['id % 4', 3],
    ['id DIV 2', 3],
    ['-id + 1', -6],
    ['id / 0', null],
    ['note + 1', null],
    ["'abc' + 1", null],
    ['9007199254740993 + 1', 9007199254740994n],
    // comparison: numbers numerically even as strings
    ['qty > 9', true],
    // Two texts compare as text, as in MySQL; a number on either side makes it numeric.
    ["qty > '9'", false],
    ['price >= 19.9', true],
    ["price = '19.9'", true],
    ["status = 'paid'", true],
    ["status = 'PAID'", false],
    ["status <> 'void'", true],
    ["status != 'paid'", false],
    ['note = NULL', null],
    ["created_at > '2024-03-01'", true],
    ["created_at < '2024-03-05 14:00:00'", false],
    ["day BETWEEN '2024-03-01' AND '2024-03-31'", true],
    // logic with NULL
    ['note IS NULL', true],
    ['note IS NOT NULL', false],
    ['NULL AND FALSE', false],
    ['NULL AND TRUE', null],
    ['NULL OR TRUE', true],
    ['NULL OR FALSE', null],
    ['NOT NULL', null],
    ['NOT (id > 5)', false],
    ['active IS TRUE', true],
    ['active XOR TRUE', false],
    ['id > 5 && qty < 100', true],
    // IN and BETWEEN
    ["status IN ('paid', 'pending')", true],
    ["status NOT IN ('paid', 'pending')", false],
    ['id IN (1, 2, NULL)', null],
    ['id IN (7, NULL)', true],
    ['qty IN (10, 20)', true],
    ['note IN (1)', null],
    ['id BETWEEN 1 AND 7', true],
    ['id NOT BETWEEN 1 AND 7', false],
    ['qty BETWEEN 9 AND 11', true],
    ['note BETWEEN 1 AND 2', null],
    // LIKE
    ["status LIKE 'pa%'", true],
    ["status LIKE 'p_id'", true],
    ["status LIKE 'P%'", false],
    ["status NOT LIKE '%ai%'", false],
    ["'50%' LIKE '50\\%'", true],
    ["'50x' LIKE '50\\%'", false],
    ["'a.b' LIKE 'a.b'", true],
    ["'axb' LIKE 'a.b'", false],
    ["'10!%' LIKE '10!!!%' ESCAPE '!'", true],
    ["note LIKE '%'", null],
    ["status LIKE CONCAT(SUBSTRING(status, 1, 2), '%')", true],
    // CASE, both forms
    ["CASE WHEN id > 5 THEN 'big' ELSE 'small' END", 'big'],
    ["CASE WHEN id > 50 THEN 'big' END", null],
    ["CASE status WHEN 'void' THEN 0 WHEN 'paid' THEN 1 ELSE 2 END", 1],
    ["CASE note WHEN NULL THEN 'null' ELSE 'other' END", 'other'],
    // functions
    ['COALESCE(note, status)', 'paid'],
    ["IFNULL(note, 'none')", 'none'],
    ['NULLIF(id, 7)', null],
    ['NULLIF(id, 8)', 7],
    ["CONCAT(status, '-', id)", 'paid-7'],
    ['CONCAT(status, note)', null],
    ["status || '!'", 'paid!'],
    ['UPPER(status)', 'PAID'],
    ["LOWER('AbC')", 'abc'],
    ["LENGTH('héllo')", 5],
    ["TRIM('  x ')", 'x'],
    ["SUBSTRING('abcdef', 2, 3)", 'bcd'],
    ["SUBSTRING('abcdef', -2)", 'ef'],
    ['ROUND(price)', 20],
    ['ROUND(1.005, 2)', 1.01],
    ['ROUND(-2.5)', -3],
    ['ABS(-4)', 4],
    ["DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')", '2024-03-05 14:07:09'],
    ["DATE_FORMAT(day, '%d/%m/%y %W %M %j')", '05/03/24 Tuesday March 065'],
    ["DATE_FORMAT('nonsense', '%Y')", null],
    ["DATE_FORMAT(note, '%Y')", null],
    // CAST
    ['CAST(qty AS SIGNED) + 1', 11],
    ['CAST(price AS DECIMAL(10,1))', '19.9'],
    ['CAST(id AS CHAR)', '7'],
    ["CAST('2024-03-05 10:00:00' AS DATE)", '2024-03-05'],
    ['CAST(1 AS BOOLEAN)', true],
    ['CAST(note AS CHAR)', null],
  ])('%s → %o', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('evaluates DATETIME casts and NOW() to instants', () => {
    expect(evaluate("CAST('2024-03-05 10:00:00' AS DATETIME)")).toEqual(new Date('2024-03-05T10:00:00Z'));
    const now = evaluate('NOW()') as Date;
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(5000);
  });

  it('infers the result type', () => {
    const typeOf = (source: string) => compileExpression(source, columns).type;
    expect(typeOf('id + 1')).toBe('int');
    expect(typeOf('id / 2')).toBe('float');
    expect(typeOf('qty > 1')).toBe('bool');
    expect(typeOf("CONCAT(status, 'x')")).toBe('string');
    expect(typeOf('CAST(price AS DECIMAL(10,2))')).toBe('decimal');
    expect(typeOf('created_at')).toBe('timestamp');
    expect(typeOf("CASE WHEN id > 1 THEN NULL ELSE 'x' END")).toBe('string');
    expect(typeOf('NULL')).toBe('unknown');
  });

  it('lists the columns it reads, in order of first use', () => {
    expect(compileExpression('price * qty > 0 AND QTY < 10 AND `my col` = 1', columns).columns).toEqual([
      'price',
      'qty',
      'my col',
    ]);
  });

  it('works on any row shape: the compiled closure reads by index', () => {
    const { evaluate: total } = compileExpression('qty * price', columns);
    expect(total([1, '2', '3.5', 'x', null, null, null, 0, false])).toBe(7);
    expect(total([1, null, '3.5', 'x', null, null, null, 0, false])).toBeNull();
  });

  it('parses once at compile time and never while evaluating rows', () => {
    const test = compilePredicate("qty > 0 AND status LIKE 'p%'", columns);
    const parsesAfterCompile = vi.mocked(parseExpression).mock.calls.length;
    expect(parsesAfterCompile).toBeGreaterThan(0);
    for (let i = 0; i < 1000; i++)
      test([i, String(i % 3), '1.00', i % 2 ? 'paid' : 'void', null, null, null, 0, true]);
    expect(vi.mocked(parseExpression).mock.calls.length).toBe(parsesAfterCompile);
  });
});

describe('compilePredicate', () => {
  const keeps = (source: string, rows: unknown[][]) => rows.filter(compilePredicate(source, columns));

  it('keeps only rows whose condition is TRUE (NULL drops the row)', () => {
    const rows = [
      [1, '5', '1.00', 'paid', null, null, null, 0, true],
      [2, '0', '1.00', 'paid', null, null, null, 0, true],
      [3, null, '1.00', 'paid', null, null, null, 0, true],
      [4, '7', '1.00', 'void', null, null, null, 0, true],
    ];
    expect(keeps("qty > 0 AND status <> 'void'", rows).map((r) => r[0])).toEqual([1]);
    expect(keeps('NOT (qty > 0)', rows).map((r) => r[0])).toEqual([2]);
    expect(keeps('qty IS NULL OR qty = 0', rows).map((r) => r[0])).toEqual([2, 3]);
  });

  it('treats non-boolean results as SQL does', () => {
    const cols: Column[] = [{ name: 'v', type: 'string' }];
    const test = compilePredicate('v', cols);
    expect([['1'], ['0'], ['abc'], ['true'], [null]].map(test)).toEqual([true, false, false, true, false]);
  });
});

describe('errors', () => {
  it.each([
    ['qty > AND 1', "syntax error near 'AND'", 7],
    ['(qty > 1', 'syntax error: unexpected end of expression', 9],
    ['qty >', 'syntax error: unexpected end of expression', 6],
    ['qty > 1 LIMIT 5', 'unexpected LIMIT clause in an expression', undefined],
    ['', 'empty expression', undefined],
    ['qtty > 0', 'unknown column "qtty" (did you mean "qty"?)', 1],
    ['id > 0 AND sttus = 1', 'unknown column "sttus" (did you mean "status"?)', 12],
    [
      'zzzzzz = 1',
      'unknown column "zzzzzz" (columns: id, qty, price, status, note, created_at, day, my col, active)',
      1,
    ],
    ['CONCT(a, b) = 1', 'unknown function CONCT (did you mean CONCAT?)', 1],
    ['FROBNICATE(1)', 'unknown function FROBNICATE', 1],
    ['UPPER(status, 1)', 'UPPER takes 1 argument, got 2', 1],
    ['SUBSTRING(status)', 'SUBSTRING takes 2 to 3 arguments, got 1', 1],
    [
      'COUNT(*) > 1',
      'aggregate function COUNT is not allowed here: expressions see one row at a time',
      undefined,
    ],
    ['id IN (SELECT 1)', 'subqueries are not supported in expressions', undefined],
    ['CAST(id AS YEAR)', 'cannot CAST to YEAR', undefined],
  ])('%s → %s', (source, message, position) => {
    const err = errorOf(source);
    expect(err.message.startsWith(message)).toBe(true);
    if (position !== undefined) expect(err.position).toBe(position);
  });
});
