/**
 * A lexer for expression source, as MySQL's grammar reads it: enough to find literals,
 * keywords and brackets with their offsets, so `parse.ts` can adjust the text before the
 * parser sees it and map the parser's positions back. It does not validate; the parser does.
 */

/** One lexical token: `start`/`end` are 0-based offsets into the source. */
export interface Token {
  kind: 'word' | 'number' | 'string' | 'quoted' | 'identifier' | 'op';
  text: string;
  start: number;
  end: number;
}

const OPERATORS = ['->>', '<=>', '->', '<>', '!=', '<=', '>=', '||', '&&', '::', '<<', '>>'];
const STRING_PREFIXES = new Set(['x', 'b', 'n']);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isWordChar = (c: string): boolean => /[\p{L}\p{N}_$]/u.test(c);

/** The offset just past a quoted run starting at `start` (a doubled quote or a backslash escapes). */
function quotedEnd(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\' && quote !== '`') i += 2;
    else if (c === quote) {
      if (source[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return source.length;
}

function numberEnd(source: string, start: number): number {
  let i = start;
  if (source[i] === '0' && (source[i + 1] === 'x' || source[i + 1] === 'X')) {
    i += 2;
    while (i < source.length && /[0-9a-fA-F]/.test(source[i])) i++;
    return i;
  }
  while (isDigit(source[i] ?? '')) i++;
  if (source[i] === '.' && isDigit(source[i + 1] ?? '')) {
    i++;
    while (isDigit(source[i] ?? '')) i++;
  } else if (source[i] === '.' && !isWordChar(source[i + 1] ?? '')) i++;
  if ((source[i] === 'e' || source[i] === 'E') && /^[+-]?\d/.test(source.slice(i + 1, i + 3))) {
    i += source[i + 1] === '+' || source[i + 1] === '-' ? 2 : 1;
    while (isDigit(source[i] ?? '')) i++;
  }
  return i;
}

/** Splits `source` into tokens; comments and whitespace are dropped. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ((c === '-' && source[i + 1] === '-' && /\s|$/.test(source[i + 2] ?? '')) || c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? source.length : close + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      i = quotedEnd(source, i, c);
      const kind = c === "'" ? 'string' : c === '"' ? 'quoted' : 'identifier';
      tokens.push({ kind, text: source.slice(start, i), start, end: i });
    } else if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      i = numberEnd(source, i);
      // MySQL reads `1abc` as a name: a number running into letters is a word.
      if (isWordChar(source[i] ?? '') && !/[eE]/.test(source[i])) {
        while (isWordChar(source[i] ?? '')) i++;
        tokens.push({ kind: 'word', text: source.slice(start, i), start, end: i });
      } else tokens.push({ kind: 'number', text: source.slice(start, i), start, end: i });
    } else if (isWordChar(c)) {
      while (i < source.length && isWordChar(source[i])) i++;
      const word = source.slice(start, i);
      if (source[i] === "'" && STRING_PREFIXES.has(word.toLowerCase())) {
        i = quotedEnd(source, i, "'");
        tokens.push({ kind: 'string', text: source.slice(start, i), start, end: i });
      } else tokens.push({ kind: 'word', text: word, start, end: i });
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i)) ?? c;
      i += op.length;
      tokens.push({ kind: 'op', text: op, start, end: i });
    }
  }
  return tokens;
}

/** The index of the `)` closing the `(` at `open`, or -1. */
export function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const text = tokens[k].text;
    if (tokens[k].kind !== 'op') continue;
    if (text === '(') depth++;
    else if (text === ')' && --depth === 0) return k;
  }
  return -1;
}

/** The index of the `(` opening the `)` at `close`, or -1. */
export function openingParen(tokens: Token[], close: number): number {
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    const text = tokens[k].text;
    if (tokens[k].kind !== 'op') continue;
    if (text === ')') depth++;
    else if (text === '(' && --depth === 0) return k;
  }
  return -1;
}

/**
 * The text of a quoted token without its quotes: a doubled quote is one quote, and so is a
 * backslash before one (the grammar reads `'it\'s'` as one string). Other backslashes stay as
 * written, as in standard SQL, so `'\d+'` is a regular expression and `'50\%'` a LIKE pattern.
 */
export function unquote(text: string): string {
  const quote = text[text.length - 1];
  const open = text.indexOf(quote);
  const body = text.slice(open + 1, text.length - 1).replaceAll(quote + quote, quote);
  return quote === '`' ? body : body.replaceAll(`\\${quote}`, quote);
}
