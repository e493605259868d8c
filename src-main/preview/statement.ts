/*
 * What a preview needs to know of a SQL statement's text without parsing it: its first keyword,
 * where its last significant character is (so a trailing `;` or comment can be cut before it
 * becomes a subquery), and the subquery with a LIMIT that PostgreSQL previews run. The scanner
 * knows quotes, dollar quotes and comments, so a `;` or `--` inside a string is left alone.
 */

/** Keywords of statements that return rows and may stand as a subquery. */
const ROW_QUERY_KEYWORDS = new Set(['select', 'with', 'values', 'table', '(']);

/** The index just past a quoted run starting at `start` (the quote character), doubled quotes included. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') i += 2;
    else if (ch === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/**
 * Calls `visit(start, end)` for each significant piece of `sql` (anything but whitespace and
 * comments): a quoted string or identifier, a dollar-quoted body, or one other character.
 */
function scan(sql: string, visit: (start: number, end: number) => boolean | void): void {
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(ch)) i++;
    else if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      i = newline < 0 ? sql.length : newline + 1;
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else {
      let end = i + 1;
      if (ch === "'") end = skipQuoted(sql, i, "'", i > 0 && /[eE]/.test(sql[i - 1]));
      else if (ch === '"' || ch === '`') end = skipQuoted(sql, i, ch, false);
      else if (ch === '$') {
        const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
        if (tag) {
          const close = sql.indexOf(tag, i + tag.length);
          end = close < 0 ? sql.length : close + tag.length;
        }
      }
      if (visit(i, end) === false) return;
      i = end;
    }
  }
}

/** The statement's first keyword in lower case (`select`, `with`, `insert`…), `(` for a parenthesised query, '' when empty. */
export function statementKeyword(sql: string): string {
  let keyword = '';
  scan(sql, (start) => {
    keyword =
      sql[start] === '(' ? '(' : (/^[A-Za-z_]+/.exec(sql.slice(start))?.[0] ?? sql[start]).toLowerCase();
    return false;
  });
  return keyword;
}

/** True for a statement that returns rows and can be a subquery: SELECT, WITH, VALUES, TABLE or `( … )`. */
export function isRowQuery(sql: string): boolean {
  return ROW_QUERY_KEYWORDS.has(statementKeyword(sql));
}

/** The statement without what trails its last significant character: semicolons, whitespace, comments. */
export function trimStatement(sql: string): string {
  let end = 0;
  scan(sql, (start, stop) => {
    if (sql[start] !== ';') end = stop;
  });
  return sql.slice(0, end);
}

/**
 * A row query as a subquery cut at `rows` rows, so the database plans for those rows only and
 * stops after them. Its trailing `;` and comments are cut first: either would break the subquery.
 */
export function limitQuery(sql: string, rows: number): string {
  return `SELECT * FROM (\n${trimStatement(sql)}\n) AS fustgo_preview LIMIT ${Math.trunc(rows)}`;
}
