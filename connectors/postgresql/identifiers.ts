/** Quotes one identifier for PostgreSQL: `a"b` → `"a""b"`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a possibly schema-qualified name part by part: `sales.orders` → `"sales"."orders"`,
 * so a config can name a table outside the search path.
 */
export function quoteQualifiedName(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}
