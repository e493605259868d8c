import sqlParser from 'node-sql-parser/build/mysql.js';
import { ExpressionError } from './expression-error';

/**
 * The parts of node-sql-parser's expression AST the compiler reads. The library types its
 * expressions loosely, so the compiler narrows each node by `type` before use.
 */
export interface ExprNode {
  type: string;
  value?: unknown;
  operator?: string;
  left?: ExprNode;
  right?: ExprNode & { escape?: { value?: ExprNode } };
  expr?: ExprNode | null;
  column?: string | { expr?: { value?: unknown } };
  table?: string | null;
  name?: string | { name?: { value?: string }[] };
  args?: { value?: ExprNode[] } & ExprNode[];
  target?: { dataType?: string; length?: number; scale?: number }[];
  cond?: ExprNode;
  result?: ExprNode;
  ast?: unknown;
  loc?: { start: { offset: number } };
}

// Only the MySQL grammar is loaded (a quarter of the full bundle): CLI start-up stays fast,
// and MySQL's dialect is the one people write DATE_FORMAT, backticks and IFNULL in.
const parser = new sqlParser.Parser();

/** The expression is parsed as the WHERE clause of this statement; offsets are reported relative to it. */
const PREFIX = 'SELECT 1 FROM t WHERE ';

/** 1-based position inside the expression of a node the parser located, if it did. */
export function positionOf(node: ExprNode): number | undefined {
  return node.loc ? node.loc.start.offset - PREFIX.length + 1 : undefined;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'LIKE',
  'IN',
  'BETWEEN',
  'IS',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
]);

interface ParserError {
  message: string;
  location?: { start: { offset: number } };
}

function syntaxError(source: string, err: ParserError): ExpressionError {
  const offset = err.location ? err.location.start.offset - PREFIX.length : -1;
  if (offset < 0) return new ExpressionError(`syntax error: ${err.message}`);
  if (offset >= source.length)
    return new ExpressionError('syntax error: unexpected end of expression', offset + 1);
  // The grammar reads a misplaced keyword (`a > AND b`) as the start of a name and fails one
  // token later; pointing at the keyword is what the user needs.
  const before = /(\w+)\s*$/.exec(source.slice(0, offset));
  if (before && KEYWORDS.has(before[1].toUpperCase())) {
    return new ExpressionError(`syntax error near '${before[1]}'`, before.index + 1);
  }
  const near = /^(\w+|\S)/.exec(source.slice(offset))?.[0] ?? source[offset];
  return new ExpressionError(`syntax error near '${near}'`, offset + 1);
}

/** Parses one SQL expression into its AST; throws `ExpressionError` for anything but a single expression. */
export function parseExpression(source: string): ExprNode {
  if (source.trim() === '') throw new ExpressionError('empty expression');
  let statement: unknown;
  try {
    statement = parser.astify(PREFIX + source, {
      database: 'mysql',
      parseOptions: { includeLocations: true },
    });
  } catch (err) {
    throw syntaxError(source, err as ParserError);
  }
  const select = (Array.isArray(statement) ? statement : [statement]) as Record<string, unknown>[];
  if (select.length !== 1) throw new ExpressionError('expected one expression, found several statements');
  // Clauses after the WHERE would be silently swallowed: reject them.
  for (const clause of ['groupby', 'having', 'orderby', 'limit', 'window']) {
    if (select[0][clause])
      throw new ExpressionError(`unexpected ${clause.toUpperCase()} clause in an expression`);
  }
  return select[0].where as ExprNode;
}
