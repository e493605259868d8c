import { createHash } from 'node:crypto';
import type { MaskMode } from '../../src-shared/api/preview-model';
import { valueText } from './preview-values';

/** Hex digits of the SHA-256 a `hash` mask keeps: enough to tell values apart, too few to look them up. */
const HASH_DIGITS = 16;

/** `hash`: the first 16 hex digits of the text's SHA-256, so equal values still look equal. */
export function hashMask(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_DIGITS);
}

/**
 * `partial`: the first and last characters kept, every one between them a `*` (the length
 * shows). Two are kept at each end of a value of 8 characters or more, one of 3–7, none of a
 * shorter one, which would otherwise be all but given away. Characters, not UTF-16 units: 张三丰 → 张*丰.
 */
export function partialMask(text: string): string {
  const chars = Array.from(text);
  const keep = chars.length >= 8 ? 2 : chars.length >= 3 ? 1 : 0;
  if (keep === 0) return '*'.repeat(chars.length);
  return `${chars.slice(0, keep).join('')}${'*'.repeat(chars.length - 2 * keep)}${chars.slice(-keep).join('')}`;
}

/** A preview value masked; NULL stays NULL (whether a value is missing is not what masking hides). */
export function maskValue(value: unknown, mode: MaskMode): string | null {
  if (value === null) return null;
  const text = valueText(value);
  return mode === 'hash' ? hashMask(text) : partialMask(text);
}
