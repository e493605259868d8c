import type { FilterDialect } from '../component';
import type { Column } from '../batch';
import {
  LITERAL_MARK,
  parseExpression,
  referencedName,
  type ExprNode,
  type Literal,
  type ParsedExpression,
} from './parse';
import { NUMERIC_TYPES, TEXT_TYPES } from './node';

/*
 * Filter pushdown: the conditions of a filter that a database evaluates as we do (or more
 * loosely: keeping at least our rows) become part of the source query's WHERE, so rows the filter
 * would drop are never read. The filter still runs on every row read, so the result is exactly
 * the filter's whatever the database's collation or types; pushdown only saves reading.
 *
 * Pushed: comparisons, IN, BETWEEN of a numeric column with numbers; `=` and IN of a text
 * column with text (and `<>`, NOT IN where text equality is exact); LIKE on text; IS [NOT] NULL;
 * AND of pushable parts anywhere, OR when both sides push. Everything else is kept, with why.
 */

export interface PushdownResult {
  /** The WHERE text for the database, or undefined when nothing could be pushed. */
  where?: string;
  /** The conditions pushed, as the database reads them. */
  pushed: string[];
  /** The conditions left to the filter alone, as written, with why. */
  kept: { condition: string; reason: string }[];
}

class NotPushable extends Error {}

function conjuncts(node: ExprNode): ExprNode[] {
  if (node.type === 'binary_expr' && (node.operator ?? '').toUpperCase() === 'AND') {
    return [...conjuncts(node.left as ExprNode), ...conjuncts(node.right as ExprNode)];
  }
  return [node];
}

class Renderer {
  constructor(
    private readonly parsed: ParsedExpression,
    private readonly columns: Column[],
    private readonly dialect: FilterDialect,
    private readonly source: string,
  ) {}

  private literalOf(node: ExprNode): Literal | undefined {
    if (node.type !== 'column_ref') return undefined;
    const name = referencedName(node);
    return name.startsWith(LITERAL_MARK) ? this.parsed.literals[Number(name.slice(1))] : undefined;
  }

  private columnOf(node: ExprNode): Column | undefined {
    if (node.type !== 'column_ref' || this.literalOf(node)) return undefined;
    const name = referencedName(node);
    return (
      this.columns.find((c) => c.name === name) ??
      this.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase()).at(0)
    );
  }

  /** A literal as the database reads it, when it means the same there. */
  private literal(node: ExprNode, kind: 'number' | 'text'): string {
    const literal = this.literalOf(node);
    if (!literal) throw new NotPushable('compares with something other than a literal');
    if (kind === 'number') {
      if (literal.kind !== 'number') throw new NotPushable(`${literal.text} is not a number`);
      return literal.value;
    }
    if (literal.kind !== 'string' && literal.kind !== 'quoted')
      throw new NotPushable(`${literal.text} is not text`);
    if (this.dialect.backslashEscapes && literal.value.includes('\\'))
      throw new NotPushable('the database reads backslashes in its string literals as escapes');
    return `'${literal.value.replaceAll("'", "''")}'`;
  }

  private column(node: ExprNode): { sql: string; kind: 'number' | 'text' | 'other' } {
    const column = this.columnOf(node);
    if (!column) {
      throw new NotPushable(
        node.type === 'column_ref'
          ? 'not a column of the source table'
          : 'computed values are evaluated in the pipeline',
      );
    }
    if (column.type === 'decimal' && !this.dialect.exactDecimals)
      throw new NotPushable('the database keeps decimals as floating point');
    const kind = NUMERIC_TYPES.has(column.type) ? 'number' : TEXT_TYPES.has(column.type) ? 'text' : 'other';
    return { sql: this.dialect.quoteIdent(column.name), kind };
  }

  render(node: ExprNode): string {
    if (node.type !== 'binary_expr') throw new NotPushable('not a comparison');
    const op = (node.operator ?? '').toUpperCase();
    const left = node.left as ExprNode;
    const right = node.right as ExprNode;
    if (op === 'AND' || op === 'OR') return `(${this.render(left)} ${op} ${this.render(right)})`;
    if (op === 'IS' || op === 'IS NOT') {
      if (right.type !== 'null') throw new NotPushable(`${op} other than NULL`);
      return `${this.column(left).sql} ${op} NULL`;
    }
    // `5 < qty` reads as `qty > 5`.
    const flipped = this.columnOf(left) ? null : this.columnOf(right) ? FLIP[op] : null;
    const [colNode, valueNode, operator] = flipped ? [right, left, flipped] : [left, right, op];
    const column = this.column(colNode);
    if (column.kind === 'other')
      throw new NotPushable('only number and text columns are compared in the database');
    const exactText = column.kind === 'number' || this.dialect.exactTextEquality;
    switch (operator) {
      case '=':
        return `${column.sql} = ${this.literal(valueNode, column.kind)}`;
      case '<>':
      case '!=':
        if (!exactText) throw new NotPushable('the database compares text ignoring case');
        return `${column.sql} <> ${this.literal(valueNode, column.kind)}`;
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (column.kind !== 'number')
          throw new NotPushable('the database may order text differently (collation)');
        return `${column.sql} ${operator} ${this.literal(valueNode, 'number')}`;
      case 'IN':
      case 'NOT IN': {
        if (operator === 'NOT IN' && !exactText)
          throw new NotPushable('the database compares text ignoring case');
        const items = (valueNode.value as ExprNode[] | undefined) ?? [];
        if (valueNode.type !== 'expr_list' || items.length === 0)
          throw new NotPushable('not a list of literals');
        return `${column.sql} ${operator} (${items.map((item) => this.literal(item, column.kind as 'number' | 'text')).join(', ')})`;
      }
      case 'BETWEEN':
      case 'NOT BETWEEN': {
        if (column.kind !== 'number')
          throw new NotPushable('the database may order text differently (collation)');
        const [low, high] = (valueNode.value as ExprNode[] | undefined) ?? [];
        return `${column.sql} ${operator} ${this.literal(low, 'number')} AND ${this.literal(high, 'number')}`;
      }
      case 'LIKE':
      case 'NOT LIKE': {
        if (column.kind !== 'text') throw new NotPushable('LIKE on a column that is not text');
        if (operator === 'NOT LIKE' && !this.dialect.caseSensitiveLike)
          throw new NotPushable('the database matches LIKE ignoring case');
        if ((node.right as { escape?: unknown }).escape || this.literalOf(valueNode)?.value.includes('\\'))
          throw new NotPushable('escapes in LIKE patterns differ between databases');
        return `${column.sql} ${operator} ${this.literal(valueNode, 'text')}`;
      }
      default:
        throw new NotPushable(`${op} is evaluated in the pipeline`);
    }
  }

  /** The conjunct as the user wrote it, for `--explain`. */
  written(node: ExprNode): string {
    const start = this.parsed.positionOf(node);
    return start === undefined ? this.source : this.source.slice(start - 1).trim();
  }
}

const FLIP: Record<string, string> = {
  '=': '=',
  '<>': '<>',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/**
 * Splits a filter condition into what `dialect` can evaluate on the source table with `columns`
 * (the table's columns with their logical types) and what only the pipeline evaluates.
 */
export function pushdownFilter(condition: string, columns: Column[], dialect: FilterDialect): PushdownResult {
  const parsed = parseExpression(condition);
  const renderer = new Renderer(parsed, columns, dialect, condition);
  const parts = conjuncts(parsed.ast);
  const pushed: string[] = [];
  const kept: PushdownResult['kept'] = [];
  for (const part of parts) {
    try {
      pushed.push(renderer.render(part));
    } catch (error) {
      if (!(error instanceof NotPushable)) throw error;
      kept.push({
        condition: parts.length === 1 ? condition : describe(part, condition, renderer),
        reason: error.message,
      });
    }
  }
  const where =
    pushed.length > 0
      ? pushed.map((p) => (pushed.length > 1 && !p.startsWith('(') ? p : p)).join(' AND ')
      : undefined;
  return { ...(where !== undefined ? { where } : {}), pushed, kept };
}

/** A conjunct's text for messages: from where the parser located it, cut at the next top-level AND. */
function describe(part: ExprNode, condition: string, renderer: Renderer): string {
  const text = renderer.written(part);
  const cut = /\s+AND\s+/i.exec(text);
  return cut && !/\bBETWEEN\b/i.test(text.slice(0, cut.index))
    ? text.slice(0, cut.index)
    : text.length < condition.length
      ? text
      : condition;
}
