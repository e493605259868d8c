import { describe, expect, it } from 'vitest';
import { isRowQuery, limitQuery, statementKeyword, trimStatement } from './statement';

describe('statementKeyword', () => {
  it('reads the first keyword past whitespace and comments', () => {
    expect(statementKeyword('  select 1')).toBe('select');
    expect(statementKeyword('-- orders of today\n/* a block */ WITH x AS (SELECT 1) SELECT * FROM x')).toBe(
      'with',
    );
    expect(statementKeyword('(SELECT 1) UNION (SELECT 2)')).toBe('(');
    expect(statementKeyword('INSERT INTO t VALUES (1)')).toBe('insert');
    expect(statementKeyword('  -- only a comment')).toBe('');
  });

  it('tells row queries from other statements', () => {
    expect(isRowQuery('SELECT 1')).toBe(true);
    expect(isRowQuery('values (1), (2)')).toBe(true);
    expect(isRowQuery('TABLE orders')).toBe(true);
    expect(isRowQuery('DROP TABLE orders')).toBe(false);
    expect(isRowQuery('SHOW search_path')).toBe(false);
    expect(isRowQuery('EXPLAIN SELECT 1')).toBe(false);
  });
});

describe('trimStatement', () => {
  it('cuts trailing semicolons, whitespace and comments', () => {
    expect(trimStatement('SELECT 1;  \n')).toBe('SELECT 1');
    expect(trimStatement('SELECT 1; -- done\n;;')).toBe('SELECT 1');
    expect(trimStatement('SELECT 1 /* the end */')).toBe('SELECT 1');
  });

  it('leaves semicolons and comment markers inside strings, identifiers and dollar quotes alone', () => {
    expect(trimStatement("SELECT ';' AS semi, '--' AS dashes;")).toBe("SELECT ';' AS semi, '--' AS dashes");
    expect(trimStatement('SELECT 1 AS ";--";')).toBe('SELECT 1 AS ";--"');
    expect(trimStatement("SELECT $$ ; -- $$ AS body, $tag$'$tag$;")).toBe(
      "SELECT $$ ; -- $$ AS body, $tag$'$tag$",
    );
    expect(trimStatement("SELECT 'it''s';")).toBe("SELECT 'it''s'");
    expect(trimStatement("SELECT E'a\\';b';")).toBe("SELECT E'a\\';b'");
  });
});

describe('limitQuery', () => {
  it('wraps the query as a subquery with the LIMIT outside', () => {
    expect(limitQuery('SELECT * FROM orders ORDER BY id DESC;', 101)).toBe(
      'SELECT * FROM (\nSELECT * FROM orders ORDER BY id DESC\n) AS fustgo_preview LIMIT 101',
    );
  });

  it('drops a comment on the last line, which would swallow the closing parenthesis', () => {
    expect(limitQuery('SELECT 1 -- one', 10)).toBe('SELECT * FROM (\nSELECT 1\n) AS fustgo_preview LIMIT 10');
    expect(limitQuery('SELECT 1 -- one\nFROM t', 10)).toBe(
      'SELECT * FROM (\nSELECT 1 -- one\nFROM t\n) AS fustgo_preview LIMIT 10',
    );
  });
});
