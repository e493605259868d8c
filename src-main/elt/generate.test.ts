import { describe, expect, it } from 'vitest';
import { buildEltSelect, EltRefusal, insertSelectSql, ROW_ORDER_COLUMN, type EltStep } from './generate';
import type { EltDialect } from './render-expression';

const columns = [
  { name: 'id', type: 'bigint' },
  { name: 'qty', type: 'int' },
  { name: 'status', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'decimal' },
];

const at = (i: number, component: Record<string, unknown>): EltStep => ({
  path: `pipeline.processors[${i}]`,
  component,
});

function insert(steps: EltStep[], dialect: EltDialect): string {
  return insertSelectSql(buildEltSelect(steps, columns, dialect), 'orders', 'orders__stage', dialect);
}

function refusal(steps: EltStep[], dialect: EltDialect): string {
  try {
    buildEltSelect(steps, columns, dialect);
  } catch (error) {
    if (error instanceof EltRefusal) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

const chain = [
  at(0, { type: 'filter', condition: "qty > 0 AND status <> 'void'" }),
  at(1, { type: 'mapping', fields: { order_id: 'id', state: 'status', qty: 'qty' } }),
];

describe('ELT SQL generation', () => {
  it('folds filter and mapping into one INSERT … SELECT, quoted per dialect', () => {
    expect(insert(chain, 'postgresql')).toBe(
      'INSERT INTO "orders" ("order_id", "state", "qty") SELECT "id" AS "order_id", "status" AS "state", "qty" AS "qty" ' +
        `FROM "orders__stage" WHERE (("qty" > 0) AND ("status" <> 'void'))`,
    );
    expect(insert(chain, 'mysql')).toBe(
      'INSERT INTO `orders` (`order_id`, `state`, `qty`) SELECT `id` AS `order_id`, `status` AS `state`, `qty` AS `qty` ' +
        "FROM `orders__stage` WHERE ((`qty` > 0) AND (`status` <> 'void'))",
    );
    expect(insert(chain, 'sqlite')).toContain('FROM "orders__stage" WHERE');
  });

  it('reads a renamed column through the expression the mapping gave it', () => {
    const sql = insert(
      [...chain, at(2, { type: 'filter', condition: 'order_id IN (1, 2, 3)' })],
      'postgresql',
    );
    expect(sql).toContain('AND ("id" IN (1, 2, 3))');
  });

  it('keeps FALSE and NULL rows for an exclude filter', () => {
    const sql = insert(
      [at(0, { type: 'filter', condition: 'qty BETWEEN 1 AND 5', mode: 'exclude' })],
      'sqlite',
    );
    expect(sql).toContain('WHERE (("qty" BETWEEN 1 AND 5) IS NOT TRUE)');
  });

  it('drops columns and keeps the rest in order', () => {
    const sql = insert([at(0, { type: 'mapping', drop: ['name', 'PRICE'] })], 'postgresql');
    expect(sql).toBe(
      'INSERT INTO "orders" ("id", "qty", "status") SELECT "id" AS "id", "qty" AS "qty", "status" AS "status" FROM "orders__stage"',
    );
  });

  it('renders transform fields: replaced in place, new ones appended, all reading the incoming row', () => {
    const steps = [
      at(0, {
        type: 'transform',
        fields: {
          qty: 'qty * 2',
          label: "UPPER(TRIM(name)) || '-' || status",
          size: "CASE WHEN qty > 10 THEN 'big' ELSE 'small' END",
          chars: "LENGTH(COALESCE(name, ''))",
        },
      }),
    ];
    const pg = insert(steps, 'postgresql');
    expect(pg).toContain('("qty" * 2) AS "qty", "status" AS "status"');
    expect(pg).toContain(`((UPPER(TRIM("name")) || '-') || "status") AS "label"`);
    expect(pg).toContain(`(CASE WHEN ("qty" > 10) THEN 'big' ELSE 'small' END) AS "size"`);
    expect(pg).toContain(`LENGTH(COALESCE("name", '')) AS "chars"`);
    const my = insert(steps, 'mysql');
    // MySQL reads || as OR, and LENGTH counts bytes.
    expect(my).toContain("CONCAT(CONCAT(UPPER(TRIM(`name`)), '-'), `status`) AS `label`");
    expect(my).toContain("CHAR_LENGTH(COALESCE(`name`, '')) AS `chars`");
  });

  it('doubles backslashes in MySQL string literals, which it reads as escapes', () => {
    const sql = insert([at(0, { type: 'filter', condition: "name = 'a\\b' AND name LIKE 'x%'" })], 'mysql');
    expect(sql).toContain("(`name` = 'a\\\\b')");
  });

  it('renders ILIKE as each database matches ignoring case', () => {
    const steps = [at(0, { type: 'filter', condition: "name ILIKE 'a%'" })];
    expect(insert(steps, 'postgresql')).toContain(`WHERE ("name" ILIKE 'a%')`);
    expect(insert(steps, 'mysql')).toContain("WHERE (LOWER(`name`) LIKE LOWER('a%'))");
    expect(insert(steps, 'sqlite')).toContain(`WHERE ("name" LIKE 'a%')`);
  });

  it('reads SQLite decimals (kept as text) as numbers in expressions, and writes them as they are', () => {
    const sql = insert([at(0, { type: 'filter', condition: 'price > 10' })], 'sqlite');
    expect(sql).toContain('"price" AS "price"');
    expect(sql).toContain('WHERE (CAST("price" AS REAL) > 10)');
  });

  it('renders an aggregate as GROUP BY after the filters, and refuses what SQL has no order for', () => {
    const aggregate = at(1, {
      type: 'aggregate',
      group_by: ['status'],
      aggregates: { orders: 'count(*)', units: 'sum(qty * 2)', buyers: 'count(DISTINCT id)' },
    });
    expect(insert([at(0, { type: 'filter', condition: 'qty > 0' }), aggregate], 'postgresql')).toBe(
      'INSERT INTO "orders" ("status", "orders", "units", "buyers") SELECT "status" AS "status", ' +
        'COUNT(*) AS "orders", SUM(("qty" * 2)) AS "units", COUNT(DISTINCT "id") AS "buyers" ' +
        'FROM "orders__stage" WHERE ("qty" > 0) GROUP BY "status"',
    );
    expect(() => insert([at(0, { type: 'aggregate', aggregates: { f: 'first(qty)' } })], 'mysql')).toThrow(
      'pipeline.processors[0].aggregates.f: first follows the order rows arrive in, which SQL has not; run the job as ETL',
    );
  });

  it('reads the groups through a nested SELECT for a step after an aggregate', () => {
    const steps = [
      at(0, { type: 'aggregate', group_by: ['status'], aggregates: { orders: 'count(*)' } }),
      at(1, { type: 'filter', condition: 'orders > 1' }),
      at(2, { type: 'transform', fields: { orders: 'orders * 10' } }),
    ];
    expect(insert(steps, 'mysql')).toBe(
      'INSERT INTO `orders` (`status`, `orders`) SELECT `status` AS `status`, (`orders` * 10) AS `orders` ' +
        'FROM (SELECT `status` AS `status`, COUNT(*) AS `orders` FROM `orders__stage` GROUP BY `status`) AS `fustgo_1` ' +
        'WHERE (`orders` > 1)',
    );
  });

  const numbered = [...columns, { name: ROW_ORDER_COLUMN, type: 'bigint' }];

  it('renders deduplicate as the first row of each key by the staging row order, after the filters', () => {
    const steps = [
      at(0, { type: 'filter', condition: 'qty > 0' }),
      at(1, { type: 'deduplicate', key: ['status', 'price'] }),
      at(2, { type: 'filter', condition: 'qty < 9' }),
    ];
    const select = buildEltSelect(steps, numbered, 'sqlite');
    expect(insertSelectSql(select, 'orders', 'stage', 'sqlite')).toBe(
      'INSERT INTO "orders" ("id", "qty", "status", "name", "price") SELECT "id" AS "id", "qty" AS "qty", ' +
        '"status" AS "status", "name" AS "name", "price" AS "price" FROM (SELECT "id" AS "id", "qty" AS "qty", ' +
        '"status" AS "status", "name" AS "name", "price" AS "price", "__fustgo_row" AS "__fustgo_row", ' +
        // Decimals kept as text partition by value.
        'ROW_NUMBER() OVER (PARTITION BY "status", CAST("price" AS REAL) ORDER BY "__fustgo_row") AS "__fustgo_rank" ' +
        'FROM "stage" WHERE ("qty" > 0)) AS "fustgo_1" WHERE "__fustgo_rank" = 1 AND ("qty" < 9)',
    );
    const last = buildEltSelect(
      [at(0, { type: 'deduplicate', key: ['id'], keep: 'last' })],
      numbered,
      'postgresql',
    );
    expect(insertSelectSql(last, 'o', 's', 'postgresql')).toContain('ORDER BY "__fustgo_row" DESC)');
  });

  it('orders groups by their first row, so a deduplicate after an aggregate has an order', () => {
    const steps = [
      at(0, { type: 'aggregate', group_by: ['status'], aggregates: { n: 'count(*)' } }),
      at(1, { type: 'deduplicate', key: ['n'] }),
    ];
    expect(insertSelectSql(buildEltSelect(steps, numbered, 'postgresql'), 'o', 's', 'postgresql')).toContain(
      'MIN("__fustgo_row") AS "__fustgo_row"',
    );
  });

  it('keeps the last row of each key for a keyed write', () => {
    const select = buildEltSelect(chain, numbered, 'postgresql', {
      lastPerKey: { key: ['order_id'], path: 'output.conflict' },
    });
    expect(insertSelectSql(select, 'o', 's', 'postgresql')).toContain(
      'ROW_NUMBER() OVER (PARTITION BY "id" ORDER BY "__fustgo_row" DESC)',
    );
    expect(() =>
      buildEltSelect(chain, numbered, 'postgresql', {
        lastPerKey: { key: ['id'], path: 'output.conflict' },
      }),
    ).toThrow('output.conflict.key[0]: unknown column "id"');
  });
});

describe('ELT refusals', () => {
  it('names the field and the function the database lacks', () => {
    expect(
      refusal([at(1, { type: 'transform', fields: { day: "DATE_FORMAT(created_at, '%Y')" } })], 'postgresql'),
    ).toBe('pipeline.processors[1].fields.day: DATE_FORMAT has no PostgreSQL equivalent in ELT mode');
  });

  it('refuses processors SQL does not express here, with the way out', () => {
    expect(refusal([at(2, { type: 'json_decode', field: 'id' })], 'mysql')).toBe(
      'pipeline.processors[2].type: json_decode cannot run in the database in ELT mode (ELT renders filter, mapping, transform, aggregate, deduplicate); run the job as ETL',
    );
    expect(refusal([at(2, { type: 'deduplicate', key: ['id'], window: { size: '1m' } })], 'mysql')).toBe(
      'pipeline.processors[2].window: windows in time are the engine’s; run the job as ETL',
    );
  });

  it('refuses CAST and transform casts', () => {
    expect(refusal([at(0, { type: 'filter', condition: 'CAST(qty AS TEXT) = 1' })], 'sqlite')).toMatch(
      /^pipeline\.processors\[0\]\.condition: CAST is not rendered/,
    );
    expect(refusal([at(0, { type: 'transform', cast: { qty: { type: 'int' } } })], 'sqlite')).toMatch(
      /^pipeline\.processors\[0\]\.cast: cast is not rendered/,
    );
  });

  it('refuses unknown columns and typed date literals in SQLite', () => {
    expect(refusal([at(0, { type: 'filter', condition: 'qtty > 1' })], 'postgresql')).toBe(
      'pipeline.processors[0].condition: unknown column "qtty"',
    );
    expect(refusal([at(0, { type: 'mapping', fields: { a: 'nope' } })], 'postgresql')).toBe(
      'pipeline.processors[0].fields.a: unknown column "nope"',
    );
    expect(refusal([at(0, { type: 'filter', condition: "id > DATE '2024-01-01'" })], 'sqlite')).toMatch(
      /SQLite has no typed date literals/,
    );
  });

  it('checks what it can render when the input columns are not known yet', () => {
    const select = buildEltSelect(
      [at(0, { type: 'filter', condition: "anything <> 'x'" })],
      undefined,
      'sqlite',
    );
    expect(select.where).toEqual([`("anything" <> 'x')`]);
  });
});
