const grouped = new Intl.NumberFormat('en-US');

/** A row count as the CLI and run notes print it: `1,234,567`. */
export function formatCount(n: number): string {
  return grouped.format(n);
}
