import { describe, expect, it } from 'vitest';
import type { FilterDialect } from '../component';
import type { Column } from '../batch';
import { pushdownFilter } from './pushdown';

const columns: Column[] = [
  { name: 'id', type: 'bigint' },
  { name: 'qty', type: 'int' },
  { name: 'price', type: 'decimal' },
  { name: 'status', type: 'string' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'Note', type: 'string' },
];
const postgres: FilterDialect = {
  quoteIdent: (n) => `"${n}"`,
  exactTextEquality: true,
  caseSensitiveLike: true,
  backslashEscapes: false,
  exactDecimals: true,
};
const mysql: FilterDialect = {
  quoteIdent: (n) => `\`${n}\``,
  exactTextEquality: false,
  caseSensitiveLike: false,
  backslashEscapes: true,
  exactDecimals: true,
};

describe('filter pushdown', () => {
  it('pushes comparisons of number columns with numbers and text equality, quoting real column names', () => {
    expect(
      pushdownFilter("qty > 0 AND status IN ('paid', 'shipped') AND price <= 19.99", columns, postgres),
    ).toEqual({
      where: `"qty" > 0 AND "status" IN ('paid', 'shipped') AND "price" <= 19.99`,
      pushed: [`"qty" > 0`, `"status" IN ('paid', 'shipped')`, `"price" <= 19.99`],
      kept: [],
    });
    expect(
      pushdownFilter('5 < QTY AND id BETWEEN 10 AND 20 AND note IS NOT NULL', columns, postgres).where,
    ).toBe(`"qty" > 5 AND "id" BETWEEN 10 AND 20 AND "Note" IS NOT NULL`);
  });

  it('keeps in the pipeline what the database could read differently, saying why', () => {
    const result = pushdownFilter("qty > 0 AND status <> 'void' AND UPPER(status) = 'PAID'", columns, mysql);
    expect(result.where).toBe('`qty` > 0');
    expect(result.kept.map((k) => k.reason)).toEqual([
      'the database compares text ignoring case',
      'computed values are evaluated in the pipeline',
    ]);
    expect(pushdownFilter("status <> 'void'", columns, postgres).where).toBe(`"status" <> 'void'`);
    expect(pushdownFilter("status > 'm'", columns, postgres).kept[0].reason).toMatch(/collation/);
    expect(pushdownFilter("created_at >= '2024-01-01'", columns, postgres).kept[0].reason).toMatch(
      /number and text/,
    );
    expect(pushdownFilter("note = 'a\\\\b'", columns, mysql).kept[0].reason).toMatch(/backslashes/);
    expect(pushdownFilter("status NOT LIKE 'p%'", columns, mysql).kept[0].reason).toMatch(/ignoring case/);
    expect(pushdownFilter("status LIKE 'p%'", columns, mysql).where).toBe("`status` LIKE 'p%'");
  });

  it('pushes an OR only when both sides push, and escapes quotes', () => {
    expect(pushdownFilter("(qty > 5 OR qty IS NULL) AND status = 'it''s'", columns, postgres).where).toBe(
      `("qty" > 5 OR "qty" IS NULL) AND "status" = 'it''s'`,
    );
    expect(pushdownFilter("qty > 5 OR UPPER(status) = 'X'", columns, postgres).where).toBeUndefined();
  });
});
