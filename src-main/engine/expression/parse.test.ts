import { describe, expect, it } from 'vitest';
import type { ExpressionError } from './expression-error';
import { parseExpression, type ExprNode } from './parse';
import { tokenize } from './tokens';

/** Every node of the AST with a position, as [type or name, position]. */
function located(source: string): [string, number | undefined][] {
  const parsed = parseExpression(source);
  const out: [string, number | undefined][] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const expr = node as ExprNode;
    if (expr.type === 'column_ref') {
      const name = String(expr.column);
      const literal = name.startsWith('\uE000') ? parsed.literals[Number(name.slice(1))] : undefined;
      out.push([literal ? literal.text : name, parsed.positionOf(expr)]);
    }
    for (const value of Object.values(expr)) if (value && typeof value === 'object') visit(value);
  };
  visit(parsed.ast);
  return out.sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0));
}

describe('tokenize', () => {
  it('keeps quoted text, comments and operators whole', () => {
    const tokens = tokenize("a->>'$.x' <> \"b c\" -- note\n /* c */ `d``e` 1.5e3 x'41' #rest");
    expect(tokens.map((t) => `${t.kind}:${t.text}`)).toEqual([
      'word:a',
      'op:->>',
      "string:'$.x'",
      'op:<>',
      'quoted:"b c"',
      'identifier:`d``e`',
      'number:1.5e3',
      "string:x'41'",
    ]);
  });
});

describe('parseExpression', () => {
  it('reports every literal and name at the place it is written', () => {
    expect(located('price * 1.10 > 20 AND name = \'Ada\' AND "code" IN (1, 2)')).toEqual([
      ['price', 1],
      ['1.10', 9],
      ['20', 16],
      ['name', 23],
      ["'Ada'", 30],
      ['"code"', 40],
      ['1', 51],
      ['2', 54],
    ]);
  });

  it('keeps positions after rewritten parts (ILIKE, casts, ::, SUBSTRING … FROM)', () => {
    expect(
      located("CAST(a AS TIMESTAMP WITH TIME ZONE) > b AND c ILIKE 'x' AND d::double precision > e"),
    ).toEqual([
      ['a', 6],
      ['b', 39],
      ['c', 45],
      ["'x'", 53],
      ['d', 61],
      ['e', 83],
    ]);
    expect(located('SUBSTRING(s FROM 2 FOR n) = t')).toEqual([
      ['s', 11],
      ['2', 18],
      ['n', 24],
      ['t', 29],
    ]);
  });

  it('leaves words inside strings and quoted names alone', () => {
    const parsed = parseExpression("'ILIKE CAST(x AS y)' = `RLIKE`");
    expect(parsed.literals.map((l) => l.value)).toEqual(['ILIKE CAST(x AS y)']);
    expect(parsed.castTypes).toEqual([]);
  });

  it('reads cast targets in either dialect, nested and chained', () => {
    const parsed = parseExpression('CAST(CAST(a AS numeric(12, 2)) AS TEXT) || b::int::varchar(5)');
    const types = parsed.castTypes.map((t) => [t.name, t.params, t.position] as const);
    expect(types.sort((a, b) => a[2] - b[2])).toEqual([
      ['NUMERIC', [12, 2], 16],
      ['TEXT', [], 35],
      ['INT', [], 47],
      ['VARCHAR', [5], 52],
    ]);
  });

  it('points syntax errors at the user text, not at the rewritten one', () => {
    const err = (source: string) => {
      try {
        parseExpression(source);
      } catch (e) {
        return e as ExpressionError;
      }
      throw new Error('expected a syntax error');
    };
    expect([err("a ILIKE 'x' AND AND b").message, err("a ILIKE 'x' AND AND b").position]).toEqual([
      "syntax error near 'AND'",
      17,
    ]);
    expect(err("CAST(a AS INT) + 'x' +").message).toBe('syntax error: unexpected end of expression');
    expect(err("CAST(a AS INT) + 'x' +").position).toBe(23);
    expect(err('a = 1; b = 2').message).toMatch(/several statements|syntax error/);
  });
});
