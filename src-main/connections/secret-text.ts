/*
 * Keeping secrets out of messages: drivers do not echo passwords today, but an error message is
 * stored, logged and shown, so every message about a saved connection is passed through here.
 */

/** The values of a connection's secret fields (its password), where they are set. */
export function secretValuesOf(
  fields: Record<string, unknown> | undefined,
  secretFields: readonly string[],
): string[] {
  return secretFields.flatMap((field) => {
    const value = fields?.[field];
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
}

/**
 * The message with every secret value cut out. Values shorter than 3 characters are left alone:
 * cutting every "a" out of a message would hide it, and such a password is not worth hiding.
 */
export function withoutSecrets(message: string, secrets: readonly unknown[]): string {
  let text = message;
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 3) text = text.split(secret).join('********');
  }
  return text;
}
