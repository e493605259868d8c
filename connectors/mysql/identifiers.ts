/** Quotes an identifier the MySQL way: backticks, a backtick inside doubled (a`b → `a``b`). */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Splits `db.table` at its first dot; a name without one is a table of the connection's database. */
export function splitTableName(name: string): { database?: string; table: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { table: name } : { database: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** Quotes a possibly qualified name: `db.table` → `db`.`table`, `orders` → `orders`. */
export function quoteTableName(name: string): string {
  const { database, table } = splitTableName(name);
  return database === undefined ? quoteIdent(table) : `${quoteIdent(database)}.${quoteIdent(table)}`;
}
