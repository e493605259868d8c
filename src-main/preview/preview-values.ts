import { toJsonSafe } from '../../connectors/shared/values';
import type { BytesValue } from '../../src-shared/api/preview-model';

/*
 * Values as a preview sends them: JSON that loses nothing a user would check. The connectors'
 * `toJsonSafe` does most of it (bigint → decimal text, Date → ISO 8601 with microseconds);
 * previews add what JSON cannot hold (NaN, ±Infinity as text), mark bytes as such, and shorten
 * very long values so a 10,000-row preview of a text column stays a reasonable answer.
 */

/** Bytes shown of a binary value (as hex); `length` gives the whole size. */
export const MAX_PREVIEW_BYTES = 1024;
/** Characters shown of a text value; longer ones are cut and end with `…`. */
export const MAX_PREVIEW_CHARS = 4000;

/** What converting a row found that the user should be told. */
export interface ValueNotes {
  /** Text values cut at MAX_PREVIEW_CHARS. */
  shortened: number;
}

function bytesValue(bytes: Uint8Array, full: boolean): BytesValue {
  const shown = full ? bytes : bytes.subarray(0, MAX_PREVIEW_BYTES);
  return {
    $bytes: Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString('hex'),
    length: bytes.length,
  };
}

/** A number JSON can carry as it is; NaN and the infinities as PostgreSQL spells them. */
function numberValue(n: number): number | string {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/**
 * A value read from a database (or an input) as the preview sends it. `full` keeps long text and
 * bytes whole: what a mask is computed over before the masked text is itself shortened.
 */
export function previewValue(value: unknown, notes: ValueNotes, full = false): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (full || value.length <= MAX_PREVIEW_CHARS) return value;
    notes.shortened++;
    return `${value.slice(0, MAX_PREVIEW_CHARS)}…`;
  }
  if (typeof value === 'number') return numberValue(value);
  if (value instanceof Uint8Array) return bytesValue(value, full);
  if (value instanceof Date && Number.isNaN(value.getTime())) return 'Invalid Date';
  return toJsonSafe(value);
}

/** True for a cell value that stands for bytes (see `BytesValue`). */
export function isBytesValue(value: unknown): value is BytesValue {
  return typeof value === 'object' && value !== null && typeof (value as BytesValue).$bytes === 'string';
}

/** The text a value is masked and compared by: strings as they are, anything else as its JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isBytesValue(value)) return value.$bytes;
  return JSON.stringify(value);
}
