import type { Column } from '../../../src-main/engine/batch';
import { closestNames } from '../../../src-main/engine/similar';

/*
 * Naming columns that are not the row's (a lookup table's, a file's): found by exact name first,
 * then ignoring case when that is unambiguous, as the expressions find the row's columns
 * (`columnAt` in processor-kit does that for row fields).
 */

/** Index of the column named `name`, or -1. */
export function fieldIndex(columns: readonly Column[], name: string): number {
  const exact = columns.findIndex((c) => c.name === name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  const matches = columns.filter((c) => c.name.toLowerCase() === lower);
  return matches.length === 1 ? columns.indexOf(matches[0]) : -1;
}

/** `unknown column "regoin" (did you mean "region"?)`, or the columns there are when nothing is close; `where` names the table. */
export function unknownFieldMessage(names: readonly string[], name: string, where?: string): string {
  const unknown = `unknown column "${name}"${where ? ` in ${where}` : ''}`;
  const close = closestNames(names, name, 3);
  if (close.length > 0) return `${unknown} (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)`;
  return `${unknown} (columns: ${names.join(', ')})`;
}
