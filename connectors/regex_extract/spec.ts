import { Type } from '@sinclair/typebox';
import type { Row } from '../../src-main/engine/batch';
import { defineProcessor, FieldError } from '../../src-main/engine/component';
import { columnAt, placeColumns, widened } from '../shared/processor-kit';
import { toText } from '../shared/values';

/** Config of the `regex_extract` processor. */
export const RegexExtractSchema = Type.Object(
  {
    field: Type.String({
      minLength: 1,
      description: 'The field to match (non-text values are matched as their text).',
    }),
    pattern: Type.String({
      minLength: 1,
      description:
        'A regular expression (JavaScript syntax) with named groups; each group `(?<name>…)` becomes a text field of that name (replacing a field of that name, else appended). The first match anywhere in the value counts; anchor with ^ and $ to match it whole.',
      examples: ['^(?<area>\\d{3})-(?<number>\\d{4,8})$', '(?<user>[^@]+)@(?<domain>.+)'],
    }),
    ignore_case: Type.Optional(Type.Boolean({ description: 'Match letters ignoring case.', default: false })),
    on_no_match: Type.Optional(
      Type.Union([Type.Literal('null'), Type.Literal('keep'), Type.Literal('reject')], {
        description:
          "A value that does not match: null sets the group fields to NULL; keep leaves fields the row already had as they were (new ones NULL); reject hands the row to the processor's on_error (dead letter by default).",
        default: 'null',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Names of the named groups of a pattern, in order (a repeated name counts once). */
function groupNames(pattern: RegExp): string[] {
  const names: string[] = [];
  for (const match of pattern.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g))
    if (!names.includes(match[1])) names.push(match[1]);
  return names;
}

/**
 * The pattern with Unicode semantics (`\p{L}`, whole code points), or without them when it needs
 * the laxer reading (`[\w\-]` is an error in Unicode mode).
 */
function compilePattern(source: string, ignoreCase: boolean): RegExp {
  const flags = ignoreCase ? 'i' : '';
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags);
    } catch (error) {
      throw new FieldError('pattern', `not a regular expression: ${(error as Error).message}`);
    }
  }
}

/** `regex_extract`: named groups of a regular expression → text fields. */
export const regexExtractProcessor = defineProcessor({
  name: 'regex_extract',
  category: 'transform',
  title: 'Regex extract',
  description:
    'Matches a field against a regular expression and sets a text field per named group; a value that does not match gives NULLs, keeps the row as it was, or is rejected.',
  status: 'stable',
  schema: RegexExtractSchema,
  examples: [
    {
      title: 'Split an e-mail address',
      config: { field: 'email', pattern: '^(?<user>[^@]+)@(?<domain>.+)$' },
    },
    {
      title: 'Order numbers that must match',
      config: { field: 'ref', pattern: '^(?<year>\\d{4})-(?<seq>\\d+)$', on_no_match: 'reject' },
    },
  ],
  create(config) {
    const pattern = compilePattern(config.pattern, config.ignore_case ?? false);
    const names = groupNames(pattern);
    if (names.length === 0)
      throw new FieldError('pattern', 'has no named group: name what to extract, e.g. (?<year>\\d{4})');
    const onNoMatch = config.on_no_match ?? 'null';
    return {
      bind(columns) {
        const index = columnAt('field', columns, config.field);
        const placed = placeColumns(
          columns,
          names.map((name) => ({ name, type: 'string' })),
        );
        const { slots } = placed;
        const width = placed.columns.length;
        // Group fields the row had before: `keep` leaves them be when nothing matches.
        const existed = slots.map((slot) => slot < columns.length);
        return {
          columns: placed.columns,
          process(rows, ctx) {
            const out: Row[] = [];
            for (const row of rows) {
              const value = row[index];
              const text = value === null || value === undefined ? null : toText(value);
              const groups = text === null ? undefined : pattern.exec(text)?.groups;
              if (!groups && text !== null && onNoMatch === 'reject') {
                const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text;
                ctx.reject(
                  row,
                  new Error(`field: ${JSON.stringify(shown)} does not match ${pattern.source}`),
                );
                continue;
              }
              const next = widened(row, width);
              for (let i = 0; i < names.length; i++) {
                if (groups) next[slots[i]] = groups[names[i]] ?? null;
                else if (!(onNoMatch === 'keep' && existed[i])) next[slots[i]] = null;
              }
              out.push(next);
            }
            return out;
          },
        };
      },
    };
  },
});
