/*
 * Which config fields hold secrets, by name, wherever they sit (`connection.password`,
 * `headers.Authorization`): the one rule the property forms (masking) and YAML export
 * (replacing values with `${VAR}` references) share.
 */

const SECRET_NAMES = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'api_key',
  'apikey',
  'access_key',
  'secret_key',
  'private_key',
  'client_secret',
  'sasl_password',
  'authorization',
]);

/** True for a field whose value is a secret (case and `-`/`_` aside). */
export function isSecretField(name: string): boolean {
  const key = name.toLowerCase().replace(/-/g, '_');
  return (
    SECRET_NAMES.has(key) || key.endsWith('_password') || key.endsWith('_token') || key.endsWith('_secret')
  );
}

/** A value that is already a reference (`${PG_PASSWORD}`), not the secret itself. */
export function isVariableReference(value: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(value.trim());
}
