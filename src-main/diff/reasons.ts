import type { DiffReason } from '../../src-shared/api/diff-model';
import { en } from '../../src-shared/i18n/en';

/** What a diff row or note can say; each has its words in the message tables (`diff.reason.<code>`). */
export type ReasonCode = keyof typeof en.diff.reason;

/** A reason with its English text, filled in from the same template the studio translates. */
export function reason(code: ReasonCode, params: Record<string, string | number> = {}): DiffReason {
  const text = en.diff.reason[code].replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
  return { code, params, text };
}
