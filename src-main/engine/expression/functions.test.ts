import { describe, expect, it } from 'vitest';
import { PreciseDate } from '../../../connectors/shared/values';
import type { Column } from '../batch';
import { compileExpression, EvaluationError, ExpressionError } from './compile';
import { FUNCTIONS } from './functions';
import { timestampText } from './values';

/** A result as SQL shows it: text quoted, decimals and numbers bare, TRUE/FALSE/NULL. */
function show(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `'${timestampText(value)}'`;
  if (typeof value === 'string') return type === 'decimal' ? value : `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

const columns: Column[] = [
  { name: 'name', type: 'string' },
  { name: 'price', type: 'decimal' },
  { name: 'qty', type: 'int' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'data', type: 'json' },
  { name: 'payload', type: 'string' },
  { name: 'zone', type: 'string' },
  { name: 'nothing', type: 'string' },
  { name: 'ratio', type: 'float' },
];
const row = [
  '  Ada Lovelace ',
  '19.99',
  3,
  new PreciseDate(Date.parse('2024-03-05T14:07:09.123Z'), 456),
  '2024-03-05',
  { customer: { name: 'Ada', tags: ['a', 'b'] }, total: 12.5, paid: true, none: null },
  '{"id": 7, "items": [{"sku": "X1"}]}',
  'Europe/Paris',
  null,
  0.25,
];

const evaluate = (source: string) => {
  const compiled = compileExpression(source, columns);
  return show(compiled.evaluate(row), compiled.type);
};

const failure = (source: string): Error => {
  try {
    compileExpression(source, columns).evaluate(row);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${source} to fail`);
};

describe('every function does what its documented example says', () => {
  it.each(Object.entries(FUNCTIONS).map(([name, fn]) => [name, ...fn.example]))(
    '%s: %s → %s',
    (_name, expression, expected) => {
      expect(evaluate(expression)).toBe(expected);
    },
  );
});

describe('string functions', () => {
  it.each([
    ['UPPER(name)', "'  ADA LOVELACE '"],
    ['LOWER(nothing)', 'NULL'],
    ['TRIM(name)', "'Ada Lovelace'"],
    ["TRIM('\t x ')", "'\t x'"], // spaces only, as SQL's TRIM
    ["TRIM(LEADING 'x' FROM 'xxaxx')", "'axx'"],
    ["TRIM(TRAILING FROM '  a  ')", "'  a'"],
    ["TRIM(BOTH 'xy' FROM 'xyaxyx')", "'a'"],
    ["LTRIM('xxa', 'x')", "'a'"],
    ["SUBSTRING('中文字符', 2, 2)", "'文字'"],
    ["SUBSTRING('abc', 0)", "''"],
    ["SUBSTRING('abc', 5)", "''"],
    ["SUBSTRING('abc', 2, -1)", "''"],
    ["SUBSTRING('abcdef' FROM 3)", "'cdef'"],
    ["SUBSTRING('abcdef' FROM 2 FOR 3)", "'bcd'"],
    ["SUBSTRING('😀ab', 2)", "'ab'"],
    ["REPLACE('aaa', '', 'x')", "'aaa'"],
    ["REPLACE(name, ' ', '_')", "'__Ada_Lovelace_'"],
    ["LENGTH('😀中a')", '3'],
    ['LENGTH(nothing)', 'NULL'],
    ["OCTET_LENGTH('é')", '2'],
    ["SPLIT_PART('a,b,c', ',', -1)", "'c'"],
    ["SPLIT_PART('a,b,c', ',', 4)", "''"],
    ["SPLIT_PART('abc', '', 1)", "'abc'"],
    ["LPAD('hello', 3)", "'hel'"],
    ["LPAD('7', 3)", "'  7'"],
    ["LPAD('ab', 5, '')", "'ab'"],
    ["RPAD('中', 3, '文字')", "'中文字'"],
    ["LPAD('x', 0, '0')", "''"],
    ["LEFT('abcdef', -2)", "'abcd'"],
    ["RIGHT('abcdef', -2)", "'cdef'"],
    ["LEFT('ab', 10)", "'ab'"],
    ["POSITION('' IN 'abc')", '1'],
    ["POSITION('z' IN 'abc')", '0'],
    ["POSITION('字' IN '中文字')", '3'],
    ["STRPOS(name, 'Love')", '7'],
    ["CONCAT('a', NULL, 'b')", 'NULL'],
    ["CONCAT('n=', qty, ', p=', price)", "'n=3, p=19.99'"],
    ["CONCAT_WS('-', NULL, NULL)", "''"],
    ["CONCAT_WS(NULL, 'a')", 'NULL'],
    ["'a' || NULL", 'NULL'],
    ["REGEXP_REPLACE('aAa', 'a', 'x', 'i')", "'xxx'"],
    ["REGEXP_REPLACE('a.b.c', '\\.', '$$')", "'a$b$c'"],
    ["REGEXP_REPLACE('john smith', '(\\w+) (\\w+)', '$2, $1')", "'smith, john'"],
    ["REGEXP_REPLACE('abc', 'b', '[\\&]')", "'a[b]c'"],
    ["REGEXP_EXTRACT('abc123def', '[0-9]+')", "'123'"],
    ["REGEXP_EXTRACT('key=value', '(\\w+)=(\\w+)', 2)", "'value'"],
    ["REGEXP_EXTRACT('key=value', '(\\w+)=(\\w+)', 0)", "'key=value'"],
    ["REGEXP_EXTRACT('abc', '[0-9]+')", 'NULL'],
    ["REGEXP_LIKE('abc', 'B')", 'FALSE'],
    ["'abc' REGEXP '^a'", 'TRUE'],
    ["'abc' NOT REGEXP '^a'", 'FALSE'],
    ["'abc' RLIKE 'c$'", 'TRUE'],
    ["'ABC' ILIKE 'a%'", 'TRUE'],
    ["'ABC' NOT ILIKE 'a%'", 'FALSE'],
    ["'Straße' ILIKE 'STRASSE'", 'FALSE'],
    ["'ÉCOLE' ILIKE 'école'", 'TRUE'],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('reports a bad pattern where it is written, or for the row when it comes from the data', () => {
    const compileError = failure("REGEXP_LIKE(name, '(')");
    expect(compileError).toBeInstanceOf(ExpressionError);
    expect(compileError.message).toMatch(/invalid regular expression '\('/);
    expect((compileError as ExpressionError).position).toBe(19);
    const rowError = failure("REGEXP_LIKE(name, zone || '(')");
    expect(rowError).toBeInstanceOf(EvaluationError);
    expect(failure("REGEXP_EXTRACT('ab', 'a', 3)").message).toBe(
      'REGEXP_EXTRACT: the pattern has no group 3',
    );
    expect(failure("REGEXP_LIKE(name, 'a', flags)").message).toMatch(/unknown column "flags"/);
    expect(failure("REGEXP_LIKE(name, 'a', 'q')").message).toMatch(/unknown regular expression flags 'q'/);
    expect(failure("SPLIT_PART('a', ',', 0)").message).toBe('SPLIT_PART: field position must not be zero');
  });
});

describe('math functions keep the kind of number they are given', () => {
  it.each([
    ['ABS(-3)', '3'],
    ['ABS(price * -1)', '19.99'],
    ['ABS(ratio - 1)', '0.75'],
    ['ROUND(price, 1)', '20.0'],
    ['ROUND(price)', '20'],
    ['ROUND(qty * 1250, -3)', '4000'],
    ['ROUND(-2.5)', '-3'],
    ['ROUND(ratio * 10)', '3'],
    ['ROUND(2.675, 2)', '2.68'],
    ['ROUND(CAST(2.675 AS DOUBLE), 2)', '2.68'],
    ['ROUND(123.456, -1)', '120'],
    ['ROUND(nothing)', 'NULL'],
    ['ROUND(price, NULL)', 'NULL'],
    ['TRUNC(19.99)', '19'],
    ['TRUNC(-19.99, 1)', '-19.9'],
    ['TRUNC(ratio * 7)', '1'],
    ['FLOOR(price)', '19'],
    ['FLOOR(-0.5)', '-1'],
    ['CEIL(price)', '20'],
    ['CEIL(qty)', '3'],
    ['FLOOR(ratio * -3)', '-1'],
    ['MOD(10, 3)', '1'],
    ['MOD(price, 5)', '4.99'],
    ['10 % 4', '2'],
    ['MOD(ratio, 0.1)', String(0.25 % 0.1)],
    ['POWER(2, -1)', '0.5'],
    ['POWER(price, 2)', String(19.99 ** 2)],
    ['SQRT(2)', String(Math.SQRT2)],
    ['SIGN(0)', '0'],
    ['SIGN(price)', '1'],
    ["ABS('-2.50')", '2.50'],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('reports impossible math for the row, and literal mistakes when compiling', () => {
    expect(failure('MOD(qty, 0)').message).toBe('division by zero');
    expect(failure('SQRT(qty - 10)').message).toBe('SQRT: cannot take the square root of a negative number');
    expect(failure('POWER(qty - 3, -1)').message).toBe('POWER: zero raised to a negative power is undefined');
    expect(failure('POWER(-8, ratio)').message).toMatch(/non-integer power/);
    const literal = failure("ABS('abc')");
    expect(literal).toBeInstanceOf(ExpressionError);
    expect(literal.message).toBe("ABS argument 1 ('abc') is not a number");
    expect(failure('ROUND(created_at)').message).toBe(
      'ROUND argument 1 (created_at) must be a number, not timestamp',
    );
  });
});

describe('NULL handling and conditionals', () => {
  it.each([
    ['COALESCE(nothing, NULL)', 'NULL'],
    ['COALESCE(NULL, qty, 5)', '3'],
    ['COALESCE(nothing, qty, 5)', "'3'"], // text with numbers: text, as in MySQL
    ['COALESCE(nothing, price)', "'19.99'"],
    ['COALESCE(NULL, qty, price)', '3'],
    ['COALESCE(NULL, qty + 0.5)', '3.5'],
    ["IFNULL(name, 'x')", "'  Ada Lovelace '"],
    ['NULLIF(qty, 3)', 'NULL'],
    ['NULLIF(price, 19.990)', 'NULL'],
    ['NULLIF(nothing, 1)', 'NULL'],
    ["IF(qty > 2, 'many', 'few')", "'many'"],
    ["IF(nothing = 'x', 'yes', 'no')", "'no'"],
    ['IF(qty > 2, 1, 2.5)', '1'],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('unifies result types: int with decimal gives a decimal', () => {
    expect(compileExpression('COALESCE(qty, price)', columns).type).toBe('decimal');
    expect(compileExpression('IF(qty > 1, qty, ratio)', columns).type).toBe('float');
    expect(compileExpression("COALESCE(qty, 'none')", columns).type).toBe('string');
    expect(evaluate("COALESCE(qty, 'none')")).toBe("'3'");
  });
});

describe('date and time functions', () => {
  it.each([
    ["DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f')", "'2024-03-05 14:07:09.123456'"],
    [
      "DATE_FORMAT(created_at, '%W %e %M %Y, %l:%i %p (%j, week %v)')",
      "'Tuesday 5 March 2024, 2:07 PM (065, week 10)'",
    ],
    ["DATE_FORMAT(created_at, '%H:%i', 'Asia/Shanghai')", "'22:07'"],
    ["DATE_FORMAT(created_at, '%H:%i', zone)", "'15:07'"],
    ["DATE_FORMAT(day, '%d.%m.%Y')", "'05.03.2024'"],
    ["DATE_FORMAT('2024-01-02', '%d')", "'02'"],
    [
      "TO_TIMESTAMP('2024-03-05T14:07:09.5+02:00', 'YYYY-MM-DD\"T\"HH24:MI:SS.MSTZH:TZM')",
      "'2024-03-05 12:07:09.5'",
    ],
    ["TO_TIMESTAMP('5 Mar 2024 2:07 pm', 'DD Mon YYYY HH12:MI AM')", "'2024-03-05 14:07:00'"],
    [
      "TO_TIMESTAMP('2024-03-05 14:07:09.123456', 'YYYY-MM-DD HH24:MI:SS.US')",
      "'2024-03-05 14:07:09.123456'",
    ],
    ['TO_TIMESTAMP(0)', "'1970-01-01 00:00:00'"],
    ['TO_TIMESTAMP(1709647629.5)', "'2024-03-05 14:07:09.5'"],
    ["TO_DATE('2024/060', 'YYYY/DDD')", "'2024-02-29'"],
    ["STR_TO_DATE('March 5, 2024', '%M %e, %Y')", "'2024-03-05 00:00:00'"],
    ["DATE_TRUNC('second', created_at)", "'2024-03-05 14:07:09'"],
    ["DATE_TRUNC('milliseconds', created_at)", "'2024-03-05 14:07:09.123'"],
    ["DATE_TRUNC('hour', created_at)", "'2024-03-05 14:00:00'"],
    ["DATE_TRUNC('week', created_at)", "'2024-03-04 00:00:00'"],
    ["DATE_TRUNC('quarter', created_at)", "'2024-01-01 00:00:00'"],
    ["DATE_TRUNC('Years', created_at)", "'2024-01-01 00:00:00'"],
    ["DATE_TRUNC('century', created_at)", "'2001-01-01 00:00:00'"],
    ["DATE_TRUNC('day', day)", "'2024-03-05 00:00:00'"],
    ["DATE_TRUNC('day', CAST('2024-03-05 23:30:00' AS TIMESTAMPTZ), 'Asia/Tokyo')", "'2024-03-05 15:00:00'"],
    [
      "DATE_TRUNC('day', CAST('2024-03-31 12:00:00' AS TIMESTAMPTZ), 'Europe/Berlin')",
      "'2024-03-30 23:00:00'",
    ],
    ['DATE_ADD(created_at, INTERVAL 90 MINUTE)', "'2024-03-05 15:37:09.123456'"],
    ['DATE_ADD(created_at, INTERVAL 1.5 SECOND)', "'2024-03-05 14:07:10.623456'"],
    ['DATE_ADD(created_at, INTERVAL -1 QUARTER)', "'2023-12-05 14:07:09.123456'"],
    ["DATE_ADD('2023-02-28', INTERVAL 1 YEAR)", "'2024-02-28'"],
    ["DATE_ADD('2024-02-29', INTERVAL 1 YEAR)", "'2025-02-28'"],
    ['DATE_ADD(day, INTERVAL 1 WEEK)', "'2024-03-12'"],
    ['DATE_ADD(day, INTERVAL 6 HOUR)', "'2024-03-05 06:00:00'"],
    ['DATE_ADD(day, INTERVAL qty DAY)', "'2024-03-08'"],
    ['DATE_ADD(day, INTERVAL nothing DAY)', 'NULL'],
    ['DATE_SUB(day, INTERVAL 5 DAY)', "'2024-02-29'"],
    ['day - INTERVAL 1 MONTH', "'2024-02-05'"],
    ['INTERVAL 1 DAY + created_at', "'2024-03-06 14:07:09.123456'"],
    ["DATEDIFF('2024-03-01 23:59:59', '2024-02-29 00:00:01')", '1'],
    ['DATEDIFF(day, created_at)', '0'],
    ["CONVERT_TZ(created_at, 'UTC', '+05:30')", "'2024-03-05 19:37:09.123456'"],
    [
      "CONVERT_TZ(TIMESTAMP '2024-07-01 12:00:00', 'Europe/Paris', 'America/New_York')",
      "'2024-07-01 06:00:00'",
    ],
    ['EXTRACT(YEAR FROM created_at)', '2024'],
    ['EXTRACT(MONTH FROM day)', '3'],
    ['EXTRACT(DOW FROM created_at)', '2'],
    ["EXTRACT(ISODOW FROM DATE '2024-03-10')", '7'],
    ['EXTRACT(DOY FROM created_at)', '65'],
    ["EXTRACT(WEEK FROM DATE '2021-01-03')", '53'],
    ["EXTRACT(ISOYEAR FROM DATE '2021-01-03')", '2020'],
    ['EXTRACT(QUARTER FROM created_at)', '1'],
    ['EXTRACT(SECOND FROM created_at)', '9.123456'],
    ['EXTRACT(MILLISECONDS FROM created_at)', '9123.456'],
    ['EXTRACT(MICROSECONDS FROM created_at)', '9123456'],
    ['EXTRACT(EPOCH FROM created_at)', '1709647629.123456'],
    ['EXTRACT(CENTURY FROM created_at)', '21'],
    ["EXTRACT(HOUR FROM '2024-03-05 06:30:00')", '6'],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('NOW and CURRENT_DATE are read for every row, not frozen when compiling', () => {
    const now = compileExpression('NOW()', columns);
    expect(now.type).toBe('timestamptz');
    const first = now.evaluate(row) as Date;
    expect(Math.abs(first.getTime() - Date.now())).toBeLessThan(5000);
    expect(now.evaluate(row)).not.toBe(first);
    expect(compileExpression('CURRENT_DATE', columns).evaluate(row)).toBe(
      new Date().toISOString().slice(0, 10),
    );
  });

  it('refuses text columns, unknown zones and units, naming the argument', () => {
    const cases: [string, string, number][] = [
      [
        "DATE_TRUNC('month', name)",
        'DATE_TRUNC argument 2 (name) must be a date or timestamp, not string: convert text with CAST(name AS TIMESTAMP) or TO_TIMESTAMP(name, format)',
        21,
      ],
      ["DATE_TRUNC('fortnight', created_at)", "DATE_TRUNC argument 1 ('fortnight') is not a unit", 12],
      [
        "DATE_FORMAT(created_at, '%Y', 'Mars/Olympus')",
        "DATE_FORMAT argument 3 ('Mars/Olympus') is not a time zone",
        31,
      ],
      ["CONVERT_TZ(created_at, 'UTC', '+25:00')", "CONVERT_TZ argument 3 ('+25:00') is not a time zone", 31],
      ["DATEDIFF('2024-02-30', day)", "DATEDIFF argument 1 ('2024-02-30') is not a date or timestamp", 10],
      ['DATE_ADD(created_at, 3)', 'DATE_ADD argument 2 (3) must be INTERVAL n unit', 22],
      [
        'EXTRACT(FORTNIGHT FROM created_at)',
        'EXTRACT argument 1 (FORTNIGHT) is not a field EXTRACT reads',
        9,
      ],
      ['created_at * 2', 'cannot use created_at (timestamp) in * arithmetic', 1],
      ['created_at + 1', 'cannot use created_at (timestamp) in + arithmetic: add time with DATE_ADD', 1],
      ['INTERVAL 1 DAY', 'INTERVAL can only be added to or subtracted from a date or timestamp', 10],
      ["DATE_ADD(created_at, INTERVAL 'x' DAY)", "INTERVAL needs a number, got 'x'", 31],
      ['TO_TIMESTAMP(created_at)', 'TO_TIMESTAMP argument 1 (created_at) must be seconds since 1970', 14],
    ];
    for (const [source, message, position] of cases) {
      const err = failure(source);
      expect(err, source).toBeInstanceOf(ExpressionError);
      expect(err.message.startsWith(message), `${source}: ${err.message}`).toBe(true);
      expect((err as ExpressionError).position, source).toBe(position);
    }
  });

  it('reports text that does not match its format for the row', () => {
    const err = failure("TO_TIMESTAMP(name, 'YYYY-MM-DD')");
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.message).toBe("TO_TIMESTAMP: '  Ada Lovelace ' does not match 'YYYY-MM-DD'");
    expect(failure("TO_DATE('2024-02-30', 'YYYY-MM-DD')").message).toMatch(/does not match/);
    expect(failure("DATE_FORMAT(created_at, '%H', zone || 'x')").message).toBe(
      "DATE_FORMAT: unknown time zone 'Europe/Parisx'",
    );
  });
});

describe('JSON', () => {
  it.each([
    ["JSON_EXTRACT(data, '$.customer.name')", "'Ada'"],
    ["data -> '$.customer.tags[1]'", "'b'"],
    ["data -> '$.customer.tags'", '["a","b"]'],
    ["data ->> '$.customer.tags'", '\'["a","b"]\''],
    ["data ->> '$.total'", "'12.5'"],
    ["data -> '$.paid'", 'TRUE'],
    ["data -> '$.none'", 'NULL'],
    ["data -> '$.missing.deeper'", 'NULL'],
    ["data -> 'customer' ->> 'name'", "'Ada'"],
    ["data -> 'customer' -> 'tags' ->> 0", "'a'"],
    ["payload ->> '$.items[0].sku'", "'X1'"],
    ["JSON_EXTRACT(payload, '$.id') + 1", '8'],
    ["(data ->> '$.total') * 2", '25.0'],
    ['data ->> \'$."customer".name\'', "'Ada'"],
    ["JSON_EXTRACT(nothing, '$.a')", 'NULL'],
    ["JSON_UNQUOTE('[1, 2]')", "'[1,2]'"],
    ["JSON_UNQUOTE(data -> '$.customer.name')", "'Ada'"],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('reports bad paths when compiling and invalid JSON text for the row', () => {
    expect(failure("JSON_EXTRACT(data, '$.a[*]')").message).toMatch(
      /JSON_EXTRACT argument 2 \('\$\.a\[\*\]'\) JSON path '\$\.a\[\*\]': cannot read '\[\*\]'/,
    );
    expect(failure("JSON_EXTRACT('{oops', '$.a')").message).toBe(
      "JSON_EXTRACT argument 1 ('{oops') is not valid JSON",
    );
    const err = failure("name ->> '$.a'");
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.message).toBe('name: "  Ada Lovelace " is not valid JSON');
    expect(failure("JSON_EXTRACT(qty, '$')").message).toBe(
      'JSON_EXTRACT argument 1 (qty) must be JSON or JSON text, not int',
    );
  });
});

describe('hashing and UUIDs', () => {
  it('hashes text as UTF-8 and gives lower-case hex', () => {
    expect(evaluate("MD5('中文')")).toBe("'a7bac2239fcdcb3a067903d8077c4a07'");
    expect(evaluate('SHA256(nothing)')).toBe('NULL');
    expect(evaluate('SHA1(qty)')).toBe("'77de68daecd823babbb58edb1c8e14d7106e83bb'");
  });

  it('makes a different version-4 UUID for every row', () => {
    const uuid = compileExpression('UUID()', columns);
    expect(uuid.type).toBe('uuid');
    const a = uuid.evaluate(row) as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid.evaluate(row)).not.toBe(a);
  });
});
