import sqlParser from 'node-sql-parser/build/mysql.js';
import { ExpressionError } from './expression-error';
import { closingParen, openingParen, tokenize, unquote, type Token } from './tokens';

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
  table?: unknown;
  name?: string | { name?: { value?: string }[] };
  args?: ({ value?: ExprNode[] } & ExprNode[]) | { field?: string; source?: ExprNode };
  target?: { dataType?: string; length?: number; scale?: number }[];
  dataType?: string;
  length?: number;
  unit?: string;
  cond?: ExprNode;
  result?: ExprNode;
  ast?: unknown;
  loc?: { start: { offset: number } };
}

/** A function's name as the AST spells it (a string, or the parts of a qualified name), upper-cased. */
export function functionNameOf(name: ExprNode['name']): string {
  if (typeof name === 'string') return name.toUpperCase();
  return (name?.name ?? [])
    .map((part) => part.value ?? '')
    .join('.')
    .toUpperCase();
}

/** A function call's arguments. */
export function argumentsOf(node: ExprNode): ExprNode[] {
  const args = node.args as { value?: ExprNode[] } | undefined;
  return Array.isArray(args?.value) ? args.value : [];
}

/** The name a column reference names (literals are such references too: see `LITERAL_MARK`). */
export function referencedName(node: ExprNode): string {
  return typeof node.column === 'string' ? node.column : String(node.column?.expr?.value ?? '');
}

/** A literal as written in the source: the parser sees a placeholder name in its place. */
export interface Literal {
  kind: 'number' | 'string' | 'quoted' | 'hex' | 'bits' | 'date' | 'time' | 'timestamp';
  /** The literal's text as written, quotes included. */
  text: string;
  /** Numbers: their digits as written (never rounded); strings: the text without quotes. */
  value: string;
  /** 1-based position in the expression. */
  position: number;
}

/** A CAST target as written (`DECIMAL(10, 2)`, `TIMESTAMP WITH TIME ZONE`, `double precision`). */
export interface CastType {
  /** Upper-case words joined by one space: `DOUBLE PRECISION`. */
  name: string;
  /** Numbers in parentheses after the name: precision and scale, or a length. */
  params: number[];
  text: string;
  position: number;
}

/** A parsed expression: the AST plus what the placeholders and positions stand for. */
export interface ParsedExpression {
  ast: ExprNode;
  literals: Literal[];
  castTypes: CastType[];
  /** 1-based position inside the expression of a node the parser located, if it did. */
  positionOf(node: ExprNode): number | undefined;
}

// Only the MySQL grammar is loaded (a quarter of the full bundle): CLI start-up stays fast,
// and MySQL's dialect is the one people write DATE_FORMAT, backticks and IFNULL in.
const parser = new sqlParser.Parser();

/** The expression is parsed as the WHERE clause of this statement; offsets are reported relative to it. */
const PREFIX = 'SELECT 1 FROM t WHERE ';

/**
 * Literals are replaced by backticked names starting with this private-use character before
 * parsing: the parser then reports their positions (it locates names, not literals) and
 * cannot round long decimals (`1.00000000000000000001`), because the compiler reads the
 * literal's own text.
 */
export const LITERAL_MARK = '\uE000';
/** CAST targets become `CHAR(CAST_BASE + index)`, so any type name we accept gets through the grammar. */
export const CAST_BASE = 1_000_000;

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'LIKE',
  'ILIKE',
  'IN',
  'BETWEEN',
  'IS',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
]);

const TYPED_LITERALS = new Set(['DATE', 'TIME', 'TIMESTAMP', 'DATETIME']);
/** Type names of more than one word, so `x::double precision` takes both. */
const MULTI_WORD_TYPES = [
  ['DOUBLE', 'PRECISION'],
  ['TIMESTAMP', 'WITH', 'TIME', 'ZONE'],
  ['TIMESTAMP', 'WITHOUT', 'TIME', 'ZONE'],
  ['CHARACTER', 'VARYING'],
];

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The rewritten text the parser reads, and the way back from its offsets to the user's. */
class Rewrite {
  readonly edits: Edit[] = [];
  readonly literals: Literal[] = [];
  readonly castTypes: CastType[] = [];

  constructor(readonly source: string) {}

  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
  }

  apply(): { text: string; toSource(offset: number): number } {
    const edits = [...this.edits].sort((a, b) => a.start - b.start || a.end - b.end);
    // Segments of the rewritten text: copied from the source, or written by an edit.
    const segments: { at: number; length: number; from: number; copied: boolean }[] = [];
    let text = '';
    let cursor = 0;
    for (const edit of edits) {
      if (edit.start > cursor) {
        segments.push({ at: text.length, length: edit.start - cursor, from: cursor, copied: true });
        text += this.source.slice(cursor, edit.start);
      }
      segments.push({ at: text.length, length: edit.text.length, from: edit.start, copied: false });
      text += edit.text;
      cursor = Math.max(cursor, edit.end);
    }
    segments.push({ at: text.length, length: this.source.length - cursor, from: cursor, copied: true });
    text += this.source.slice(cursor);
    const toSource = (offset: number): number => {
      for (const s of segments) {
        if (offset < s.at + s.length || (s.copied && offset === s.at + s.length && s === segments.at(-1))) {
          return s.copied ? s.from + (offset - s.at) : s.from;
        }
      }
      return this.source.length;
    };
    return { text, toSource };
  }
}

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}

function isOp(token: Token | undefined, text: string): boolean {
  return token?.kind === 'op' && token.text === text;
}

/** Reads a type name from `tokens[from..to]` (inclusive): words, then numbers in parentheses. */
function castType(source: string, tokens: Token[], from: number, to: number): CastType {
  const words: string[] = [];
  const params: number[] = [];
  let k = from;
  while (k <= to && tokens[k].kind === 'word') words.push(tokens[k++].text.toUpperCase());
  for (; k <= to; k++) if (tokens[k].kind === 'number') params.push(Number(tokens[k].text));
  const start = tokens[from].start;
  return {
    name: words.join(' '),
    params,
    text: source.slice(start, tokens[to].end),
    position: start + 1,
  };
}

/** The index of the first token of the operand that ends at `last` (for `operand::type`). */
function operandStart(tokens: Token[], last: number, castStarts: Map<number, number>): number {
  const earlier = castStarts.get(last);
  if (earlier !== undefined) return earlier;
  let k = last;
  if (isOp(tokens[k], ')')) {
    k = openingParen(tokens, k);
    if (k > 0 && (tokens[k - 1].kind === 'word' || tokens[k - 1].kind === 'identifier')) k--;
  }
  // A qualified name: `t.col`.
  while (k >= 2 && isOp(tokens[k - 1], '.')) k -= 2;
  return Math.max(k, 0);
}

/** The last token index of a type name starting at `first` (words, then one parenthesised group). */
function typeEnd(tokens: Token[], first: number): number {
  if (tokens[first]?.kind !== 'word') return -1;
  let k = first;
  const upper = (i: number) => tokens[i]?.text.toUpperCase();
  const multi = MULTI_WORD_TYPES.find((words) => words.every((w, i) => upper(first + i) === w));
  if (multi) k = first + multi.length - 1;
  if (isOp(tokens[k + 1], '(')) {
    const close = closingParen(tokens, k + 1);
    if (close > 0) k = close;
  }
  return k;
}

function literalKind(token: Token): Literal['kind'] {
  if (token.kind === 'number') return 'number';
  if (token.kind === 'quoted') return 'quoted';
  const prefix = token.text[0].toLowerCase();
  if (prefix === 'x') return 'hex';
  if (prefix === 'b') return 'bits';
  return 'string';
}

/**
 * Adjusts the source for the grammar, keeping a map back to the user's positions:
 * - literals become placeholder names (see `LITERAL_MARK`);
 * - CAST and CONVERT targets become `CHAR(n)` placeholders, so PostgreSQL's names
 *   (`TIMESTAMPTZ`, `DOUBLE PRECISION`, `NUMERIC(12, 2)`) are accepted, and `x::type` becomes
 *   `CAST(x AS type)`;
 * - `ILIKE` is read as `RLIKE` (which the compiler treats as ILIKE) and a written `RLIKE` as `REGEXP`;
 * - `SUBSTRING(s FROM a FOR b)` becomes `SUBSTRING(s, a, b)`, `POSITION(a IN b)` `POSITION(a, b)`
 *   and `EXTRACT(field FROM x)` `EXTRACT('field', x)`.
 */
function rewrite(source: string): Rewrite {
  const tokens = tokenize(source);
  const out = new Rewrite(source);
  const consumed = new Set<number>();
  const castStarts = new Map<number, number>();

  const castPlaceholder = (from: number, to: number): string => {
    out.castTypes.push(castType(source, tokens, from, to));
    for (let k = from; k <= to; k++) consumed.add(k);
    return `CHAR(${CAST_BASE + out.castTypes.length - 1})`;
  };

  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if ((isWord(token, 'CAST') || isWord(token, 'CONVERT')) && isOp(tokens[k + 1], '(')) {
      const close = closingParen(tokens, k + 1);
      let separator = -1;
      let depth = 0;
      for (let j = k + 1; j < close; j++) {
        if (isOp(tokens[j], '(')) depth++;
        else if (isOp(tokens[j], ')')) depth--;
        else if (depth === 1 && (isWord(token, 'CAST') ? isWord(tokens[j], 'AS') : isOp(tokens[j], ',')))
          separator = j;
      }
      if (separator > 0 && separator + 1 < close && tokens[separator + 1].kind === 'word') {
        const from = separator + 1;
        out.replace(tokens[from].start, tokens[close - 1].end, castPlaceholder(from, close - 1));
      }
    } else if (isOp(token, '::') && k > 0) {
      const last = typeEnd(tokens, k + 1);
      if (last > 0) {
        const first = operandStart(tokens, k - 1, castStarts);
        out.replace(tokens[first].start, tokens[first].start, 'CAST(');
        out.replace(token.start, tokens[last].end, ` AS ${castPlaceholder(k + 1, last)})`);
        castStarts.set(last, first);
      }
    } else if (
      isWord(token, 'EXTRACT') &&
      isOp(tokens[k + 1], '(') &&
      tokens[k + 2]?.kind === 'word' &&
      isWord(tokens[k + 3], 'FROM')
    ) {
      // EXTRACT(field FROM x) becomes EXTRACT('field', x): the grammar knows only some fields,
      // and a function call lets the compiler name an unknown one.
      const field = tokens[k + 2];
      out.literals.push({ kind: 'string', text: field.text, value: field.text, position: field.start + 1 });
      out.replace(field.start, field.end, `\`${LITERAL_MARK}${out.literals.length - 1}\``);
      out.replace(tokens[k + 3].start, tokens[k + 3].end, ',');
      consumed.add(k + 2);
    } else if (isWord(token, 'POSITION') && isOp(tokens[k + 1], '(')) {
      // POSITION(a IN b): the grammar takes `IN` for a list test, which fails on `IN f(x)`.
      const close = closingParen(tokens, k + 1);
      let depth = 0;
      for (let j = k + 1; j < close; j++) {
        if (isOp(tokens[j], '(')) depth++;
        else if (isOp(tokens[j], ')')) depth--;
        else if (depth === 1 && isWord(tokens[j], 'IN')) out.replace(tokens[j].start, tokens[j].end, ',');
      }
    } else if (isWord(token, 'SUBSTRING', 'SUBSTR') && isOp(tokens[k + 1], '(')) {
      const close = closingParen(tokens, k + 1);
      let depth = 0;
      let sawFrom = false;
      for (let j = k + 1; j < close; j++) {
        if (isOp(tokens[j], '(')) depth++;
        else if (isOp(tokens[j], ')')) depth--;
        else if (depth === 1 && isWord(tokens[j], 'FROM')) {
          sawFrom = true;
          out.replace(tokens[j].start, tokens[j].end, ',');
        } else if (depth === 1 && isWord(tokens[j], 'FOR'))
          out.replace(tokens[j].start, tokens[j].end, sawFrom ? ',' : ', 1,');
      }
    }
  }

  const placeholder = (index: number) => `\`${LITERAL_MARK}${index}\``;
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (consumed.has(k)) continue;
    if (isWord(token, 'ILIKE')) out.replace(token.start, token.end, 'RLIKE');
    else if (isWord(token, 'RLIKE')) out.replace(token.start, token.end, 'REGEXP');
    else if (
      isWord(token, ...TYPED_LITERALS) &&
      tokens[k + 1]?.kind === 'string' &&
      !isWord(tokens[k - 1], 'AS')
    ) {
      const literal = tokens[k + 1];
      const upper = token.text.toUpperCase();
      out.literals.push({
        kind: upper === 'DATE' ? 'date' : upper === 'TIME' ? 'time' : 'timestamp',
        text: source.slice(token.start, literal.end),
        value: unquote(literal.text),
        position: token.start + 1,
      });
      out.replace(token.start, literal.end, placeholder(out.literals.length - 1));
      k++;
    } else if (
      (token.kind === 'string' && !isWord(tokens[k - 1], 'ESCAPE')) ||
      token.kind === 'quoted' ||
      // LIMIT's number stays, so the clause is reported as such.
      (token.kind === 'number' && !isWord(tokens[k - 1], 'LIMIT', 'OFFSET'))
    ) {
      out.literals.push({
        kind: literalKind(token),
        text: token.text,
        value: token.kind === 'number' ? token.text : unquote(token.text),
        position: token.start + 1,
      });
      out.replace(token.start, token.end, placeholder(out.literals.length - 1));
    }
  }
  return out;
}

interface ParserError {
  message: string;
  location?: { start: { offset: number } };
}

function syntaxError(source: string, offset: number, err: ParserError): ExpressionError {
  if (offset < 0) return new ExpressionError(`syntax error: ${err.message}`);
  if (offset >= source.trimEnd().length)
    return new ExpressionError('syntax error: unexpected end of expression', source.length + 1);
  // The grammar reads a misplaced keyword (`a > AND b`) as the start of a name and fails one
  // token later; pointing at the keyword is what the user needs.
  const before = /(\w+)\s*$/.exec(source.slice(0, offset));
  if (before && KEYWORDS.has(before[1].toUpperCase())) {
    return new ExpressionError(`syntax error near '${before[1]}'`, before.index + 1);
  }
  const near = /^(\w+|\S)/.exec(source.slice(offset))?.[0] ?? source[offset];
  return new ExpressionError(`syntax error near '${near}'`, offset + 1);
}

/** Parses one SQL expression; throws `ExpressionError` for anything but a single expression. */
export function parseExpression(source: string): ParsedExpression {
  if (source.trim() === '') throw new ExpressionError('empty expression');
  const prepared = rewrite(source);
  const { text, toSource } = prepared.apply();
  let statement: unknown;
  try {
    statement = parser.astify(PREFIX + text, {
      database: 'mysql',
      parseOptions: { includeLocations: true },
    });
  } catch (err) {
    const parserError = err as ParserError;
    const offset = parserError.location ? parserError.location.start.offset - PREFIX.length : -1;
    throw syntaxError(source, offset < 0 ? -1 : toSource(offset), parserError);
  }
  const select = (Array.isArray(statement) ? statement : [statement]) as Record<string, unknown>[];
  if (select.length !== 1) throw new ExpressionError('expected one expression, found several statements');
  // Clauses after the WHERE would be silently swallowed: reject them.
  for (const clause of ['groupby', 'having', 'orderby', 'limit', 'window']) {
    if (select[0][clause])
      throw new ExpressionError(`unexpected ${clause.toUpperCase()} clause in an expression`);
  }
  return {
    ast: select[0].where as ExprNode,
    literals: prepared.literals,
    castTypes: prepared.castTypes,
    positionOf: (node) => (node.loc ? toSource(node.loc.start.offset - PREFIX.length) + 1 : undefined),
  };
}
