import { createTwoFilesPatch } from 'diff';
import { isSecretField, isVariableReference } from '../../src-shared/config/secret-fields';

/*
 * A job's config change as the audit log keeps it: a unified diff of the YAML, with every secret
 * value written inline (a password) masked on both sides, so the log never holds one.
 */

export const MASK = '••••••';

// `key: value` in block style (`  password: x`) and in flow maps (`{ user: a, password: b }`).
const PAIR =
  /(^|[\s{,-])("?)([A-Za-z0-9_-]+)\2(\s*:\s+)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?:\$\{[^}]*\}|[^,}#\s])(?:\$\{[^}]*\}|[^,}#])*?)(?=\s*(?:[,}]|#|$))/g;

function unquote(value: string): string {
  if (value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

/** The YAML with each secret field's literal value replaced by `••••••` (`${VAR}` references stay). */
export function maskSecrets(yaml: string): string {
  return yaml
    .split('\n')
    .map((line) =>
      line.replace(
        PAIR,
        (whole: string, lead: string, quote: string, key: string, sep: string, value: string) =>
          isSecretField(key) && !isVariableReference(unquote(value))
            ? `${lead}${quote}${key}${quote}${sep}${MASK}`
            : whole,
      ),
    )
    .join('\n');
}

/** What changed in a job's config, as the audit log shows it. */
export interface YamlChange {
  /** Unified diff (3 lines of context) of the masked YAML; empty when only secret values changed. */
  diff: string;
  /** True when a secret value changed, which the diff cannot show. */
  secretChanged: boolean;
}

/**
 * The unified diff from `before` to `after` (`--- a/<name>.yaml`, `+++ b/<name>.yaml`, hunks);
 * null when the texts are the same.
 */
export function yamlChange(
  before: string,
  after: string,
  beforeName: string,
  afterName = beforeName,
): YamlChange | null {
  if (before === after) return null;
  const maskedBefore = maskSecrets(before);
  const maskedAfter = maskSecrets(after);
  if (maskedBefore === maskedAfter) return { diff: '', secretChanged: true };
  const patch = createTwoFilesPatch(
    `a/${beforeName}.yaml`,
    `b/${afterName}.yaml`,
    withFinalNewline(maskedBefore),
    withFinalNewline(maskedAfter),
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the `====…` line jsdiff puts first; what follows is a standard unified diff.
  const diff = patch.replace(/^=+\n/, '');
  return { diff, secretChanged: secretLinesChanged(before, after, maskedBefore, maskedAfter) };
}

/** Whether secret values differ beyond what the masked diff shows. */
function secretLinesChanged(
  before: string,
  after: string,
  maskedBefore: string,
  maskedAfter: string,
): boolean {
  // Masking keeps lines in place, so the lines it changed are the ones holding secrets.
  const secretsOf = (raw: string, masked: string) => {
    const maskedLines = masked.split('\n');
    return raw.split('\n').filter((line, index) => line !== maskedLines[index]);
  };
  return secretsOf(before, maskedBefore).join('\n') !== secretsOf(after, maskedAfter).join('\n');
}

// Without it the last line of each side reads "\ No newline at end of file" in the diff.
function withFinalNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
