import { ExpressionError } from './expression-error';
import { argumentError, fixed, prepared, strict, type Call, type SqlFunction } from './function-kit';
import { failure, numberOf, textOf, type Node } from './node';
import * as valuesModule from './values';

// Imported functions used per row are bound to local constants once (see node.ts).
const { toText } = valuesModule;

/**
 * String functions. Lengths and positions count characters (code points), not bytes or
 * UTF-16 units: `LENGTH('中文')` is 2. Regular expressions are JavaScript's (close to
 * PCRE), compiled once when the pattern is a literal.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** Number of characters (code points). */
export function charLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Characters `from` (0-based) up to `to`, by code point. */
function charSlice(s: string, from: number, to?: number): string {
  if (!SURROGATE.test(s)) return s.slice(from, to);
  return Array.from(s).slice(from, to).join('');
}

/** Removes characters in `set` (default: spaces only, as SQL's TRIM) from the start and/or end. */
function trimSet(s: string, set: string, start: boolean, end: boolean): string {
  if (set === ' ') {
    let i = 0;
    let j = s.length;
    if (start) while (i < j && s.charCodeAt(i) === 32) i++;
    if (end) while (j > i && s.charCodeAt(j - 1) === 32) j--;
    return i === 0 && j === s.length ? s : s.slice(i, j);
  }
  const remove = new Set(set);
  const chars = Array.from(s);
  let i = 0;
  let j = chars.length;
  if (start) while (i < j && remove.has(chars[i])) i++;
  if (end) while (j > i && remove.has(chars[j - 1])) j--;
  return chars.slice(i, j).join('');
}

function trimFunction(
  start: boolean,
  end: boolean,
  summary: string,
  example: SqlFunction['example'],
): SqlFunction {
  return {
    args: ['text', 'text'],
    minArgs: 1,
    summary,
    example,
    type: fixed('string'),
    compile(args) {
      const text = textOf(args[0]);
      if (args.length === 1) return strict([text], (s: string) => trimSet(s, ' ', start, end));
      return strict([text, textOf(args[1])], (s: string, set: string) => trimSet(s, set, start, end));
    },
  };
}

/** MySQL's SUBSTRING: 1-based start, a negative start counts from the end, 0 gives ''. */
function substring(s: string, start: number, length?: number): string {
  const size = charLength(s);
  const pos = Math.trunc(start);
  const from = pos > 0 ? pos - 1 : pos < 0 ? size + pos : size;
  if (from < 0 || from >= size) return '';
  if (length === undefined) return charSlice(s, from);
  const len = Math.trunc(length);
  return len <= 0 ? '' : charSlice(s, from, from + len);
}

/** PostgreSQL's LPAD/RPAD: pads to `length` characters with `fill` repeated, or cuts to `length`. */
function pad(s: string, length: number, fill: string, left: boolean): string {
  const target = Math.trunc(length);
  if (target <= 0) return '';
  if (!SURROGATE.test(s) && !SURROGATE.test(fill)) {
    // One UTF-16 unit per character: the built-ins pad and cut the same way.
    if (s.length >= target) return s.slice(0, target);
    if (fill === '') return s;
    return left ? s.padStart(target, fill) : s.padEnd(target, fill);
  }
  const size = charLength(s);
  if (size >= target) return charSlice(s, 0, target);
  if (fill === '') return s;
  const fillChars = Array.from(fill);
  let padding = '';
  for (let i = 0; i < target - size; i++) padding += fillChars[i % fillChars.length];
  return left ? padding + s : s + padding;
}

function padFunction(left: boolean, example: SqlFunction['example']): SqlFunction {
  const name = left ? 'LPAD' : 'RPAD';
  return {
    args: ['text', 'number', 'text'],
    minArgs: 2,
    summary: `Text padded on the ${left ? 'left' : 'right'} to a length (cut if longer): ${name}(text, length[, fill = ' ']).`,
    example,
    type: fixed('string'),
    compile(args) {
      const fill = args.length === 3 ? textOf(args[2]) : () => ' ';
      return strict([textOf(args[0]), numberOf(args[1]), fill], (s: string, n: number, f: string) =>
        pad(s, n, f, left),
      );
    },
  };
}

/** PostgreSQL's LEFT/RIGHT: the first/last n characters; a negative n drops that many from the other end. */
function leftRight(s: string, n: number, fromLeft: boolean): string {
  const size = charLength(s);
  const count = Math.trunc(n);
  const take = count >= 0 ? Math.min(count, size) : Math.max(size + count, 0);
  return fromLeft ? charSlice(s, 0, take) : charSlice(s, size - take);
}

/** 1-based character position of `needle` in `haystack`, 0 when absent. */
function position(haystack: string, needle: string): number {
  const index = haystack.indexOf(needle);
  if (index <= 0) return index + 1;
  return charLength(haystack.slice(0, index)) + 1;
}

/** PostgreSQL's SPLIT_PART: the n-th field (1-based; negative counts from the end), '' when there is none. */
function splitPart(s: string, delimiter: string, n: number, call: Call, node: Node): string {
  const index = Math.trunc(n);
  if (index === 0) throw failure(node, `${call.name}: field position must not be zero`);
  const parts = delimiter === '' ? (s === '' ? [] : [s]) : s.split(delimiter);
  const at = index > 0 ? index - 1 : parts.length + index;
  return parts[at] ?? '';
}

const FLAGS = /^[icmsgnx]*$/;

/** A JavaScript RegExp from a SQL pattern and flags (i: ignore case, c: respect case, m/n: multi-line, s: dot matches newline, g: accepted). */
export function sqlRegex(pattern: string, flags = '', global = false): RegExp {
  if (!FLAGS.test(flags)) throw new Error(`unknown regular expression flags '${flags}' (use i, c, m, s)`);
  let js = 'u';
  if (global) js += 'g';
  if (flags.includes('i') && flags.lastIndexOf('i') > flags.lastIndexOf('c')) js += 'i';
  if (flags.includes('m') || flags.includes('n')) js += 'm';
  if (flags.includes('s')) js += 's';
  try {
    return new RegExp(pattern, js);
  } catch (err) {
    throw new Error(
      `invalid regular expression '${pattern}': ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
}

/** Compiles the pattern argument (with optional flags) once when constant; errors name the argument. */
function regexArgument(
  args: Node[],
  call: Call,
  patternIndex: number,
  flagsIndex: number | undefined,
  global: boolean,
) {
  const flagsArg = flagsIndex === undefined ? undefined : args[flagsIndex];
  const flags = flagsArg?.constant ? toText(flagsArg.constant.value ?? '') : undefined;
  if (flagsArg && !flagsArg.constant)
    throw argumentError(call, args, flagsIndex as number, "must be a literal such as 'i'");
  return prepared(
    args[patternIndex],
    (pattern) => {
      try {
        return sqlRegex(pattern, flags, global);
      } catch (err) {
        throw failure(args[patternIndex], `${call.name}: ${(err as Error).message}`);
      }
    },
    (err) => new ExpressionError(err.message, args[patternIndex].position ?? call.position),
  );
}

/** A replacement with `\1`…`\9` or `$1`…`$9` for groups (`\&`/`$&` the match, `\\` a backslash, `$$` a dollar). */
function compileReplacement(text: string): (match: string, groups: (string | undefined)[]) => string {
  const parts: (string | number)[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    if ((ch === '\\' || ch === '$') && next !== undefined && /[0-9&]/.test(next)) {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(next === '&' ? 0 : Number(next));
      i++;
    } else if ((ch === '\\' && next === '\\') || (ch === '$' && next === '$')) {
      literal += ch;
      i++;
    } else literal += ch;
  }
  if (literal) parts.push(literal);
  return (match, groups) => {
    let out = '';
    for (const part of parts)
      out += typeof part === 'string' ? part : part === 0 ? match : (groups[part - 1] ?? '');
    return out;
  };
}

export const TEXT_FUNCTIONS: Record<string, SqlFunction> = {
  LOWER: {
    args: ['text'],
    summary: 'Text in lower case.',
    example: ["LOWER('Hello World')", "'hello world'"],
    type: fixed('string'),
    compile: ([s]) => strict([textOf(s)], (v: string) => v.toLowerCase()),
  },
  UPPER: {
    args: ['text'],
    summary: 'Text in upper case.',
    example: ["UPPER('straße')", "'STRASSE'"],
    type: fixed('string'),
    compile: ([s]) => strict([textOf(s)], (v: string) => v.toUpperCase()),
  },
  TRIM: trimFunction(
    true,
    true,
    "Text without leading and trailing spaces; TRIM(BOTH|LEADING|TRAILING 'chars' FROM text) removes any of those characters.",
    ["TRIM('  hi  ')", "'hi'"],
  ),
  BTRIM: trimFunction(
    true,
    true,
    'Text without the given characters (default: spaces) at both ends: BTRIM(text[, chars]).',
    ["BTRIM('xxhixx', 'x')", "'hi'"],
  ),
  LTRIM: trimFunction(
    true,
    false,
    'Text without leading spaces (or the given characters): LTRIM(text[, chars]).',
    ["LTRIM('  hi  ')", "'hi  '"],
  ),
  RTRIM: trimFunction(
    false,
    true,
    'Text without trailing spaces (or the given characters): RTRIM(text[, chars]).',
    ["RTRIM('  hi  ')", "'  hi'"],
  ),
  SUBSTRING: {
    args: ['text', 'number', 'number'],
    minArgs: 2,
    summary:
      'Part of a text: SUBSTRING(text, start[, length]) or SUBSTRING(text FROM start FOR length); 1-based, a negative start counts from the end.',
    example: ["SUBSTRING('abcdef', 2, 3)", "'bcd'"],
    type: fixed('string'),
    compile(args) {
      const text = textOf(args[0]);
      const start = numberOf(args[1]);
      if (args.length === 2) return strict([text, start], (s: string, from: number) => substring(s, from));
      return strict([text, start, numberOf(args[2])], substring);
    },
  },
  SUBSTR: {
    args: ['text', 'number', 'number'],
    minArgs: 2,
    summary: 'Same as SUBSTRING.',
    example: ["SUBSTR('abcdef', -2)", "'ef'"],
    type: fixed('string'),
    compile(args, call) {
      return TEXT_FUNCTIONS.SUBSTRING.compile(args, call);
    },
  },
  REPLACE: {
    args: ['text', 'text', 'text'],
    summary: 'Every occurrence of a text replaced: REPLACE(text, from, to).',
    example: ["REPLACE('a-b-c', '-', '+')", "'a+b+c'"],
    type: fixed('string'),
    compile: (args) =>
      strict([textOf(args[0]), textOf(args[1]), textOf(args[2])], (s: string, from: string, to: string) =>
        from === '' ? s : s.replaceAll(from, to),
      ),
  },
  LENGTH: {
    args: ['text'],
    summary: 'Number of characters (not bytes).',
    example: ["LENGTH('中文abc')", '5'],
    type: fixed('int'),
    compile: ([s]) => strict([textOf(s)], charLength),
  },
  CHAR_LENGTH: {
    args: ['text'],
    summary: 'Same as LENGTH.',
    example: ["CHAR_LENGTH('héllo')", '5'],
    type: fixed('int'),
    compile: ([s]) => strict([textOf(s)], charLength),
  },
  CHARACTER_LENGTH: {
    args: ['text'],
    summary: 'Same as LENGTH.',
    example: ["CHARACTER_LENGTH('abc')", '3'],
    type: fixed('int'),
    compile: ([s]) => strict([textOf(s)], charLength),
  },
  OCTET_LENGTH: {
    args: ['text'],
    summary: 'Number of bytes of the text in UTF-8.',
    example: ["OCTET_LENGTH('中文')", '6'],
    type: fixed('int'),
    compile: ([s]) => strict([textOf(s)], (v: string) => Buffer.byteLength(v, 'utf8')),
  },
  SPLIT_PART: {
    args: ['text', 'text', 'number'],
    summary:
      'The n-th field of a text split at a delimiter (1-based; negative counts from the end): SPLIT_PART(text, delimiter, n).',
    example: ["SPLIT_PART('a,b,c', ',', 2)", "'b'"],
    type: fixed('string'),
    compile: (args, call) =>
      strict([textOf(args[0]), textOf(args[1]), numberOf(args[2])], (s: string, d: string, n: number) =>
        splitPart(s, d, n, call, args[2]),
      ),
  },
  LPAD: padFunction(true, ["LPAD('42', 5, '0')", "'00042'"]),
  RPAD: padFunction(false, ["RPAD('ab', 4, '.')", "'ab..'"]),
  LEFT: {
    args: ['text', 'number'],
    summary: 'The first n characters (a negative n: all but the last |n|).',
    example: ["LEFT('abcdef', 2)", "'ab'"],
    type: fixed('string'),
    compile: (args) =>
      strict([textOf(args[0]), numberOf(args[1])], (s: string, n: number) => leftRight(s, n, true)),
  },
  RIGHT: {
    args: ['text', 'number'],
    summary: 'The last n characters (a negative n: all but the first |n|).',
    example: ["RIGHT('abcdef', 2)", "'ef'"],
    type: fixed('string'),
    compile: (args) =>
      strict([textOf(args[0]), numberOf(args[1])], (s: string, n: number) => leftRight(s, n, false)),
  },
  POSITION: {
    args: ['text', 'text'],
    summary: 'Where a text first occurs in another, 1-based, 0 when absent: POSITION(needle IN haystack).',
    example: ["POSITION('c' IN 'abcabc')", '3'],
    type: fixed('int'),
    // The compiler passes (needle, haystack) for POSITION(needle IN haystack).
    compile: (args) =>
      strict([textOf(args[0]), textOf(args[1])], (needle: string, haystack: string) =>
        position(haystack, needle),
      ),
  },
  STRPOS: {
    args: ['text', 'text'],
    summary: 'Same as POSITION, arguments the other way round: STRPOS(haystack, needle).',
    example: ["STRPOS('abcabc', 'ca')", '3'],
    type: fixed('int'),
    compile: (args) => strict([textOf(args[0]), textOf(args[1])], position),
  },
  CONCAT: {
    args: ['text'],
    variadic: true,
    summary:
      'The arguments joined as text; NULL when any is NULL (as in MySQL; use CONCAT_WS or COALESCE to skip NULLs).',
    example: ["CONCAT('order-', 42)", "'order-42'"],
    type: fixed('string'),
    compile(args) {
      const readers = args.map(textOf);
      if (readers.length === 2) {
        const [a, b] = readers;
        return (row) => {
          const x = a(row);
          const y = b(row);
          return x === null || y === null ? null : x + y;
        };
      }
      return (row) => {
        let out: string | null = '';
        for (let i = 0; i < readers.length; i++) {
          const value = readers[i](row);
          out = value === null || out === null ? null : out + value;
        }
        return out;
      };
    },
  },
  CONCAT_WS: {
    takesNulls: true,
    args: ['text', 'text'],
    variadic: true,
    summary:
      'The arguments after the first joined with the first as separator, NULLs skipped: CONCAT_WS(sep, a, b, …).',
    example: ["CONCAT_WS(', ', 'a', NULL, 'b')", "'a, b'"],
    type: fixed('string'),
    compile(args) {
      const [separator, ...rest] = args.map(textOf);
      return (row) => {
        const sep = separator(row);
        if (sep === null) return null;
        let out = '';
        let first = true;
        for (const read of rest) {
          const value = read(row);
          if (value === null) continue;
          out += first ? value : sep + value;
          first = false;
        }
        return out;
      };
    },
  },
  REGEXP_REPLACE: {
    args: ['text', 'text', 'text', 'text'],
    minArgs: 3,
    summary:
      "Every match of a regular expression replaced; \\1 or $1 insert groups: REGEXP_REPLACE(text, pattern, replacement[, flags]) (flags: 'i' ignore case).",
    example: ["REGEXP_REPLACE('2024-03-05', '(\\d+)-(\\d+)-(\\d+)', '\\3/\\2/\\1')", "'05/03/2024'"],
    type: fixed('string'),
    compile(args, call) {
      const regex = regexArgument(args, call, 1, 3, true);
      const replacement = prepared(args[2], compileReplacement);
      return strict(
        [textOf(args[0]), regex, replacement],
        (s: string, re: RegExp, build: ReturnType<typeof compileReplacement>) =>
          s.replace(re, (match: string, ...rest: unknown[]) => {
            // The callback gets the groups, then the offset (a number), the text and named groups.
            const groups = rest.slice(
              0,
              rest.findIndex((x) => typeof x === 'number'),
            ) as (string | undefined)[];
            return build(match, groups);
          }),
      );
    },
  },
  REGEXP_EXTRACT: {
    args: ['text', 'text', 'number'],
    minArgs: 2,
    summary:
      'The first match of a regular expression, or of its capture group: REGEXP_EXTRACT(text, pattern[, group]); without a group, the first group if the pattern has one, else the whole match; NULL when nothing matches.',
    example: ["REGEXP_EXTRACT('order #1234 paid', '#(\\d+)')", "'1234'"],
    type: fixed('string'),
    compile(args, call) {
      const regex = regexArgument(args, call, 1, undefined, false);
      const read = textOf(args[0]);
      const group = args.length === 3 ? numberOf(args[2]) : () => -1;
      return (row) => {
        const s = read(row);
        const re = regex(row);
        const g = group(row);
        if (s === null || re === null || g === null) return null;
        const match = re.exec(s);
        if (!match) return null;
        const index = g < 0 ? (match.length > 1 ? 1 : 0) : Math.trunc(g);
        if (index >= match.length)
          throw failure(args[2] ?? args[1], `${call.name}: the pattern has no group ${index}`);
        return match[index] ?? null;
      };
    },
  },
  REGEXP_LIKE: {
    args: ['text', 'text', 'text'],
    minArgs: 2,
    summary:
      'Whether a text matches a regular expression anywhere: REGEXP_LIKE(text, pattern[, flags]); also `text REGEXP pattern`.',
    example: ["REGEXP_LIKE('ABC-123', '^[a-z]+-\\d+$', 'i')", 'TRUE'],
    type: fixed('bool'),
    compile(args, call) {
      const regex = regexArgument(args, call, 1, 2, false);
      return strict([textOf(args[0]), regex], (s: string, re: RegExp) => re.test(s));
    },
  },
};

/** The REGEXP operator's test, shared with REGEXP_LIKE. */
export function regexpOperator(value: Node, pattern: Node, call: Call): (row: unknown[]) => unknown {
  return TEXT_FUNCTIONS.REGEXP_LIKE.compile([value, pattern], call) as (row: unknown[]) => unknown;
}
