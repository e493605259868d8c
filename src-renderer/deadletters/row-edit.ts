/*
 * Editing a dead-lettered row field by field: each value as text plus a null switch, and back
 * to the JSON value the dead-letter file keeps (`jsonSafe`: bigint and decimal as text, times
 * as ISO 8601 text, json as the value itself). The column's recorded type decides; without one,
 * the kind of the value the run wrote does.
 */

export interface FieldDraft {
  text: string;
  isNull: boolean;
}

/** Why a field's text is not a value of its column: the kind expected (`dead_letters.invalid_<kind>`). */
export type FieldProblem = 'int' | 'float' | 'decimal' | 'bool' | 'json';

export type FieldValue = { value: unknown } | { problem: FieldProblem };

/** A value as the form shows it. */
export function draftOf(value: unknown): FieldDraft {
  if (value === null || value === undefined) return { text: '', isNull: true };
  if (typeof value === 'string') return { text: value, isNull: false };
  if (typeof value === 'number' || typeof value === 'boolean') return { text: String(value), isNull: false };
  return { text: JSON.stringify(value), isNull: false };
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

function asBool(text: string): FieldValue {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return { value: true };
  if (FALSE_WORDS.has(word)) return { value: false };
  return { problem: 'bool' };
}

function asJson(text: string): FieldValue {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'json' };
  }
}

function asFloat(text: string): FieldValue {
  const n = Number(text.trim());
  return text.trim() === '' || !Number.isFinite(n) ? { problem: 'float' } : { value: n };
}

/** The value a field's draft stands for, given its column's recorded type and the value the run wrote. */
export function valueOf(draft: FieldDraft, original: unknown, type: string | undefined): FieldValue {
  if (draft.isNull) return { value: null };
  const text = draft.text;
  switch (type) {
    case 'int': {
      const n = Number(text.trim());
      return INTEGER.test(text.trim()) && Number.isSafeInteger(n) ? { value: n } : { problem: 'int' };
    }
    case 'bigint':
      return INTEGER.test(text.trim()) ? { value: text.trim() } : { problem: 'int' };
    case 'decimal':
      return DECIMAL.test(text.trim()) ? { value: text.trim() } : { problem: 'decimal' };
    case 'float':
      return asFloat(text);
    case 'bool':
      return asBool(text);
    case 'json':
      return asJson(text);
    case undefined:
      break;
    default:
      // string, date, time, timestamps, uuid, bytes: kept as text (the server checks the format).
      return { value: text };
  }
  if (typeof original === 'number') return asFloat(text);
  if (typeof original === 'boolean') return asBool(text);
  if (original !== null && typeof original === 'object') return asJson(text);
  return { value: text };
}

/** The edited row, or the first field that does not hold a value of its column. */
export function rowOf(
  drafts: Record<string, FieldDraft>,
  original: Record<string, unknown>,
  types: Record<string, string>,
): { row: Record<string, unknown> } | { column: string; problem: FieldProblem } {
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(original)) {
    const draft = drafts[column] ?? draftOf(original[column]);
    const result = valueOf(draft, original[column], types[column]);
    if ('problem' in result) return { column, problem: result.problem };
    row[column] = result.value;
  }
  return { row };
}
