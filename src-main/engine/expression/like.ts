/**
 * Compiles a LIKE pattern to a test: `%` is any run of characters, `_` exactly one (a whole
 * code point), and `escape` (default `\`) makes the next character literal. LIKE is
 * case-sensitive; ILIKE (`caseInsensitive`) compares lower-cased text, as PostgreSQL does.
 * The common shapes (`abc`, `abc%`, `%abc`, `%abc%`) become plain string tests; the rest
 * an anchored RegExp.
 */
export function compileLike(
  pattern: string,
  escape = '\\',
  caseInsensitive = false,
): (text: string) => boolean {
  const chars = Array.from(caseInsensitive ? pattern.toLowerCase() : pattern);
  let source = '';
  // The pattern as literal pieces between `%`s, or undefined when it has `_`.
  const pieces: string[] = [''];
  let simple = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === escape && i + 1 < chars.length) {
      const literal = chars[++i];
      source += escapeRegExp(literal);
      pieces[pieces.length - 1] += literal;
    } else if (ch === '%') {
      source += '[\\s\\S]*';
      pieces.push('');
    } else if (ch === '_') {
      source += '[\\s\\S]';
      simple = false;
    } else {
      source += escapeRegExp(ch);
      pieces[pieces.length - 1] += ch;
    }
  }
  const test = simple ? simpleTest(pieces) : undefined;
  const regex = new RegExp(`^${source}$`, 'u');
  const match = test ?? ((text: string) => regex.test(text));
  return caseInsensitive ? (text) => match(text.toLowerCase()) : match;
}

/** A test for patterns made of literals and `%` only, or undefined for the general case. */
function simpleTest(pieces: string[]): ((text: string) => boolean) | undefined {
  if (pieces.length === 1) {
    const [exact] = pieces;
    return (text) => text === exact;
  }
  if (pieces.length === 2) {
    const [prefix, suffix] = pieces;
    if (suffix === '') return (text) => text.startsWith(prefix);
    if (prefix === '') return (text) => text.endsWith(suffix);
    return (text) =>
      text.length >= prefix.length + suffix.length && text.startsWith(prefix) && text.endsWith(suffix);
  }
  if (pieces.length === 3 && pieces[0] === '' && pieces[2] === '') {
    const [, middle] = pieces;
    return (text) => text.includes(middle);
  }
  return undefined;
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
