import { describe, expect, it, vi } from 'vitest';
import type { Column } from '../batch';
import { PreciseDate } from '../../../connectors/shared/values';
import { compileExpression, compilePredicate, EvaluationError, ExpressionError } from './compile';
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
    ['1.5', '1.5'], // a literal with a point is an exact DECIMAL, carried as text
    ["'it''s'", "it's"],
    ['TRUE', true],
    ['NULL', null],
    ['status', 'paid'],
    ['`my col`', 3],
    ['"status"', 'paid'],
    ['"no such column"', 'no such column'],
    ['STATUS', 'paid'],
    // arithmetic: numeric text reads as an exact decimal
    ['qty * 2', '20'],
    ['qty * price', '199.00'],
    ['id / 2', 3.5],
    ['id % 4', 3],
    ['id DIV 2', 3],
    ['-id + 1', -6],
    ['note + 1', null],
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
    ['ROUND(price)', '20'],
    ['ROUND(1.005, 2)', '1.01'],
    ['ROUND(-2.5)', '-3'],
    ['ABS(-4)', 4],
    ["DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')", '2024-03-05 14:07:09'],
    ["DATE_FORMAT(day, '%d/%m/%y %W %M %j')", '05/03/24 Tuesday March 065'],
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
    expect(total([1, '2', '3.5', 'x', null, null, null, 0, false])).toBe('7.0');
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

describe('exact decimals', () => {
  const decimals: Column[] = [
    { name: 'price', type: 'decimal' },
    { name: 'qty', type: 'int' },
    { name: 'rate', type: 'float' },
  ];
  const value = (source: string, values: unknown[] = ['19.99', 2, 0.5]) =>
    compileExpression(source, decimals).evaluate(values);

  it.each([
    ['price * qty', '39.98'],
    ['0.1 + 0.2', '0.3'],
    ['0.1 + 0.2 = 0.3', true],
    ['price * 1.1', '21.989'],
    ['ROUND(price * 1.1, 2)', '21.99'],
    ['price - 20', '-0.01'],
    ['price / 3', '6.6633333333333333'],
    ['price % 7', '5.99'],
    ['price DIV 7', 2],
    ['-price', '-19.99'],
    ['price + qty * 0.005', '20.000'],
    ['1.00000000000000000001 + 1', '2.00000000000000000001'],
    ['price * rate', 9.995], // a float operand makes it float arithmetic
    ['qty / 4', 0.5], // int / int is a float (MySQL), not 0
    ['qty DIV 4', 0],
    ['9007199254740993 + 1', 9007199254740994n],
  ])('%s → %o', (source, expected) => {
    expect(value(source)).toEqual(expected);
  });

  it('types the results: decimal stays decimal, a float operand makes a float', () => {
    const typeOf = (source: string) => compileExpression(source, decimals).type;
    expect(typeOf('price * qty')).toBe('decimal');
    expect(typeOf('price * rate')).toBe('float');
    expect(typeOf('qty * 2')).toBe('int');
    expect(typeOf('qty * 2.5')).toBe('decimal');
    expect(typeOf('qty / 2')).toBe('float');
    expect(typeOf('ROUND(price, 1)')).toBe('decimal');
  });

  it('keeps many-digit decimals exact through comparisons too', () => {
    const test = compilePredicate('price > 0.30000000000000000001', decimals);
    expect(test(['0.3', 1, 0])).toBe(false);
    expect(test(['0.30000000000000000002', 1, 0])).toBe(true);
  });
});

describe('typed comparisons', () => {
  it('compares a column with a literal by the column type, falling back for values of another type', () => {
    const typed: Column[] = [
      { name: 'n', type: 'int' },
      { name: 's', type: 'string' },
      { name: 'b', type: 'bigint' },
    ];
    const positive = compilePredicate('n > 0', typed);
    expect([[5], [0], [-1], [null], [undefined], [3n], ['7']].map((r) => positive(r))).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(compileExpression('0 < n', typed).evaluate([2])).toBe(true);
    expect(
      compileExpression('b = 12345678901234567890', typed).evaluate([0, '', 12345678901234567890n]),
    ).toBe(true);
    expect(compileExpression("s <> 'x'", typed).evaluate([0, null])).toBeNull();
    expect(compileExpression('n IN (1, 2, 3)', typed).evaluate([2n])).toBe(true);
  });

  it('compares timestamps to the microsecond, also against text', () => {
    const times: Column[] = [{ name: 'at', type: 'timestamp' }];
    const at = new PreciseDate(Date.parse('2024-03-05T14:07:09.123Z'), 456);
    const test = (source: string) => compileExpression(source, times).evaluate([at]);
    expect(test("at > '2024-03-05 14:07:09.123455'")).toBe(true);
    expect(test("at = '2024-03-05 14:07:09.123456'")).toBe(true);
    expect(test("at < TIMESTAMP '2024-03-05 14:07:09.123457'")).toBe(true);
    expect(test("at BETWEEN '2024-03-05' AND '2024-03-06'")).toBe(true);
  });

  it('compares text by code point, case-sensitively', () => {
    expect(evaluate("'B' < 'a'")).toBe(true);
    expect(evaluate("'abc' < 'abd'")).toBe(true);
    expect(evaluate("'é' > 'z'")).toBe(true);
  });

  it('reports text that is not a number for the row it is in', () => {
    const err = (() => {
      try {
        compilePredicate('qty > 5', columns)([1, 'many', '1', 'x', null, null, null, 0, true]);
      } catch (e) {
        return e as EvaluationError;
      }
    })();
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err?.message).toBe("qty: 'many' is not a number");
    expect(err?.position).toBe(1);
  });
});

describe("syntax beyond MySQL's grammar", () => {
  it.each([
    ["status ILIKE 'PA%'", true],
    ["status NOT ILIKE 'PA%'", false],
    ["status RLIKE '^p.i'", true],
    ['id::text', '7'],
    ["'12'::int + 1", 13],
    ['CAST(price AS NUMERIC(6, 1))', '19.9'],
    ["CAST('2024-03-05 10:00:00+08:00' AS TIMESTAMP WITH TIME ZONE)", new Date('2024-03-05T02:00:00Z')],
    ['CAST(id AS DOUBLE PRECISION) / 2', 3.5],
    ['SUBSTRING(status FROM 2 FOR 2)', 'ai'],
    ['SUBSTRING(status FOR 2)', 'pa'],
    ["POSITION('i' IN UPPER(status) || 'i')", 5],
    ['EXTRACT(HOUR FROM created_at)', 14],
    ['1e3', 1000],
    ['.5 + 1', '1.5'],
    ["x'414243'", Buffer.from('ABC')],
    ["'it\\'s'", "it's"],
    ["'a\\d'", 'a\\d'],
    ["DATE '2024-03-05' = day", true],
    ['status IS NOT UNKNOWN', true],
    ['note IS UNKNOWN', true],
  ])('%s → %o', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('points at the place in the text the user wrote, through the rewriting', () => {
    expect(errorOf('CAST(status AS TIMESTAMPTZ) IS NULL AND sttus = 1').position).toBe(41);
    expect(errorOf("CAST(status AS TIMESTAMPTZ) > 'x'").position).toBe(31);
    expect(errorOf("id::text ILIKE 'a' AND qtty = 1").position).toBe(24);
    expect(errorOf('CAST(id AS GEOMETRY)').message).toMatch(/^cannot CAST to GEOMETRY/);
    expect(errorOf('CAST(id AS GEOMETRY)').position).toBe(12);
    expect(errorOf('CAST(id AS DECIMAL(2, 5))').message).toBe(
      'DECIMAL(2, 5): precision must be 1–1000 and scale 0–precision',
    );
    expect(errorOf("SUBSTRING(status FROM 'x')").message).toBe("SUBSTRING argument 2 ('x') is not a number");
    expect(errorOf("SUBSTRING(status FROM 'x')").position).toBe(23);
  });
});

describe('type errors when compiling, naming the place', () => {
  it.each([
    ["id + 'abc'", "'abc' is not a number", 6],
    ["qty + 'abc'", "'abc' is not a number", 7],
    ["id = 'abc'", "'abc' is not a number (compared with id, int)", 6],
    ["created_at > 'soon'", "'soon' is not a date or timestamp (compared with created_at, timestamp)", 14],
    ['active + 1', 'cannot use active (bool) in + arithmetic', 1],
    [
      "DATE_TRUNC('month', status)",
      'DATE_TRUNC argument 2 (status) must be a date or timestamp, not string',
      21,
    ],
    ['CAST(created_at AS INT)', 'cannot CAST created_at (timestamp) AS INT', 6],
    ["CAST('abc' AS INT)", "cannot CAST 'abc' AS INT", 6],
    ['1 / 0', 'division by zero', 1],
    ["DATE '2024-02-30'", "DATE '2024-02-30' is not a valid date (YYYY-MM-DD)", 1],
    ["status LIKE 'a' ESCAPE 'xy'", "ESCAPE must be one character, got 'xy'", 13],
    ['DATE_ADD(created_at, INTERVAL 1 FORTNIGHT)', 'syntax error', undefined],
  ])('%s → %s', (source, message, position) => {
    const err = errorOf(source);
    expect(err.message.startsWith(message), err.message).toBe(true);
    if (position !== undefined) expect(err.position).toBe(position);
  });

  it('accepts what converts: numeric text, date text, text in string functions', () => {
    expect(evaluate("id + '1.5'")).toBe('8.5');
    expect(evaluate('UPPER(created_at)')).toBe('2024-03-05 14:07:09');
    expect(evaluate("CONCAT(active, '/', day)")).toBe('true/2024-03-05');
    expect(evaluate("created_at < '2024-03-06'")).toBe(true);
  });
});

describe('evaluation errors concern one row', () => {
  const failing = (source: string, values: unknown[] = row): EvaluationError => {
    try {
      compileExpression(source, columns).evaluate(values);
    } catch (err) {
      if (err instanceof EvaluationError) return err;
      throw err;
    }
    throw new Error(`expected ${source} to fail`);
  };

  it('division by zero is an error (as in PostgreSQL), with the place', () => {
    const err = failing('price / (id - 7)');
    expect(err.message).toBe('division by zero');
    expect(err.position).toBe(1);
    expect(failing('id % (id - 7)').message).toBe('division by zero');
    expect(failing('CAST(id AS FLOAT) / (id - 7)').message).toBe('division by zero');
    expect(evaluate('price / NULLIF(id - 7, 0)')).toBeNull();
  });

  it('a bad CAST names the value', () => {
    expect(failing('CAST(status AS INT)').message).toBe("cannot CAST 'paid' AS INT");
    expect(failing('CAST(status AS DATE)').message).toBe("cannot CAST 'paid' AS DATE");
    expect(failing('CAST(status AS JSON)').message).toBe("cannot CAST 'paid' AS JSON: invalid JSON");
    expect(failing('CAST(price * 1000000 AS DECIMAL(5, 1))').message).toBe(
      "cannot CAST '19900000.00' AS DECIMAL(5, 1): out of range for DECIMAL(5, 1)",
    );
    expect(failing('CAST(id * 1000000000 AS INT)').message).toBe(
      'cannot CAST 7000000000 AS INT: out of range for INT',
    );
  });

  it('NULL operands give NULL before any error can happen in the operation', () => {
    expect(evaluate('note / 0')).toBeNull();
    expect(evaluate('CAST(note AS INT)')).toBeNull();
  });
});

describe('NULL handling and three-valued logic', () => {
  it.each([
    ['NULL = NULL', null],
    ['NULL IS NULL', true],
    ['NOT (note = 1)', null],
    ['note IS NOT TRUE', true],
    ['note IS FALSE', false],
    ['(id > 5) IS TRUE', true],
    ['NULL + 1', null],
    ['UPPER(NULL)', null],
    ['COALESCE(NULL, NULL)', null],
    ['id NOT IN (1, NULL)', null],
    ['id NOT IN (8, 9)', true],
    ['NULL IN (1, 2)', null],
    ['note BETWEEN 1 AND 2', null],
    ['id BETWEEN 10 AND NULL', false],
    ["CASE WHEN note = 'x' THEN 1 ELSE 2 END", 2],
    ['TRUE XOR NULL', null],
  ])('%s → %o', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('folds what does not depend on the row once, and skips branches no row can reach', () => {
    expect(evaluate("CASE WHEN FALSE THEN CAST('x' AS INT) ELSE 1 END")).toBe(1);
    expect(evaluate("CASE WHEN TRUE THEN 1 ELSE CAST('x' AS INT) END")).toBe(1);
    expect(evaluate('FALSE AND 1 / 0 = 1')).toBe(false);
    expect(errorOf('NULL * (1 / 0)').message).toBe('division by zero');
    expect(errorOf("CASE WHEN id > 1 THEN CAST('x' AS INT) END").message).toBe("cannot CAST 'x' AS INT");
  });
});
