/**
 * Compiles a LIKE pattern to an anchored RegExp: `%` is any run of characters, `_` exactly
 * one (a whole code point), and `escape` (default `\`) makes the next character literal.
 * Case-sensitive.
 */
export function compileLike(pattern: string, escape = '\\'): RegExp {
  const chars = Array.from(pattern);
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === escape && i + 1 < chars.length) source += escapeRegExp(chars[++i]);
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
