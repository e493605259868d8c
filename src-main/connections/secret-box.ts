import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Seals secrets (connection passwords) for the metadata store. Sealed text names its scheme
 * (`aes1:…`, `safe1:…`), so a store opened by another host says why it cannot read a secret
 * instead of failing to decrypt garbage.
 */
export interface SecretBox {
  /** Where the key comes from, for messages (`FUSTGO_SECRET_KEY`, `/home/me/.fustgo/secret.key`, `the system keychain`). */
  readonly keySource: string;
  seal(plain: string): string;
  /** Throws `SecretBoxError` when the text was sealed by another scheme or key. */
  open(sealed: string): string;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** Environment variable holding the headless secret key: 32 bytes as hex or base64, or a passphrase. */
export const SECRET_KEY_ENV = 'FUSTGO_SECRET_KEY';
/** File in the data dir holding a generated key when `FUSTGO_SECRET_KEY` is not set. */
export const SECRET_KEY_FILE = 'secret.key';

const AES_PREFIX = 'aes1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The scheme a sealed text was written with, for "sealed by another host" messages. */
function schemeOf(sealed: string): string {
  const colon = sealed.indexOf(':');
  return colon > 0 ? sealed.slice(0, colon) : 'unknown';
}

/** AES-256-GCM with a random 96-bit nonce per secret: `aes1:<base64 nonce|tag|ciphertext>`. */
export function aesSecretBox(key: Buffer, keySource: string): SecretBox {
  if (key.length !== 32) throw new Error(`a secret key is 32 bytes, not ${key.length}`);
  return {
    keySource,
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return AES_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(AES_PREFIX)) {
        throw new SecretBoxError(
          `the secret was sealed with "${schemeOf(sealed)}" (another host, e.g. the desktop app's keychain), not with the key from ${keySource}`,
        );
      }
      const raw = Buffer.from(sealed.slice(AES_PREFIX.length), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretBoxError(
          `the secret does not decrypt with the key from ${keySource} (was the key changed?)`,
        );
      }
    },
  };
}

/**
 * The key `FUSTGO_SECRET_KEY` stands for: 64 hex digits or base64 of 32 bytes are the key itself;
 * anything else is a passphrase stretched with scrypt (a fixed salt: the same passphrase must give
 * the same key on every worker of a cluster).
 */
export function keyFromSetting(value: string): Buffer {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/]+=*$/.test(text)) return decoded;
  return scryptSync(text, 'fustgo-secret-key-v1', 32);
}

/**
 * The key file of a data dir, created with a random key and mode 0600 the first time. An existing
 * file others can read is refused, as ssh refuses a readable private key: the key unlocks every password.
 */
export function keyFromFile(file: string): Buffer {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    const key = randomBytes(32);
    // 'wx': never overwrite a key another process created meanwhile (it would orphan its secrets).
    try {
      writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600); // the umask may have narrowed the mode, never widened it; make it exact
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      stat = statSync(file);
    }
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(
      `the secret key file ${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text))
    throw new Error(`the secret key file ${file} does not hold a 64-digit hex key`);
  return Buffer.from(text, 'hex');
}

/** The headless secret box: the key from `FUSTGO_SECRET_KEY`, else from `<dataDir>/secret.key`. */
export function headlessSecretBox(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretBox {
  const setting = env[SECRET_KEY_ENV];
  if (setting !== undefined && setting.trim() !== '')
    return aesSecretBox(keyFromSetting(setting), SECRET_KEY_ENV);
  const file = join(dataDir, SECRET_KEY_FILE);
  return aesSecretBox(keyFromFile(file), file);
}
