import { FieldError } from '../../../src-main/engine/component';

/*
 * Durations in configs, as people write them: `500ms`, `30s`, `5m`, `1h30m`, `1d`, `1.5h`.
 */

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Milliseconds in `text` (`"1h30m"` → 5,400,000), or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().replace(/\s+/g, '').toLowerCase();
  if (!WHOLE.test(compact)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) ms += Number(amount) * UNITS[unit];
  return Math.round(ms);
}

/** The duration in field `path`, at least `min` ms; a `FieldError` saying what is expected otherwise. */
export function durationField(path: string, text: string, min = 1): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new FieldError(
      path,
      `"${text}" is not a duration: write a number and a unit, e.g. 500ms, 30s, 5m, 1h, 1d`,
    );
  if (ms < min) throw new FieldError(path, `must be at least ${formatDuration(min)}`);
  return ms;
}

/** A duration as the shortest text that says it (`5400000` → `1h30m`), for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNITS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
