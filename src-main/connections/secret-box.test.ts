import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aesSecretBox,
  headlessSecretBox,
  keyFromSetting,
  SECRET_KEY_ENV,
  SecretBoxError,
} from './secret-box';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fustgo-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('AES-256-GCM secret box', () => {
  it('seals to text that does not contain the secret and opens it again', () => {
    const box = aesSecretBox(Buffer.alloc(32, 7), 'test');
    const sealed = box.seal('s3cret-密码');
    expect(sealed).toMatch(/^aes1:/);
    expect(sealed).not.toContain('s3cret');
    expect(box.seal('s3cret-密码')).not.toBe(sealed); // a fresh nonce each time
    expect(box.open(sealed)).toBe('s3cret-密码');
  });

  it('refuses a secret sealed with another key or another scheme, saying which', () => {
    const sealed = aesSecretBox(Buffer.alloc(32, 1), 'a').seal('pw');
    const other = aesSecretBox(Buffer.alloc(32, 2), 'FUSTGO_SECRET_KEY');
    expect(() => other.open(sealed)).toThrow(SecretBoxError);
    expect(() => other.open(sealed)).toThrow(/does not decrypt with the key from FUSTGO_SECRET_KEY/);
    expect(() => other.open('safe1:abc')).toThrow(/sealed with "safe1"/);
  });

  it('takes the key from FUSTGO_SECRET_KEY as hex, base64 or a passphrase', () => {
    const hex = 'ab'.repeat(32);
    expect(keyFromSetting(hex)).toEqual(Buffer.from(hex, 'hex'));
    const b64 = Buffer.alloc(32, 9).toString('base64');
    expect(keyFromSetting(b64)).toEqual(Buffer.alloc(32, 9));
    const phrase = keyFromSetting('correct horse battery staple');
    expect(phrase).toHaveLength(32);
    expect(keyFromSetting('correct horse battery staple')).toEqual(phrase); // same on every worker
    const box = headlessSecretBox(dir, { [SECRET_KEY_ENV]: 'correct horse battery staple' });
    expect(box.keySource).toBe(SECRET_KEY_ENV);
    expect(() => statSync(join(dir, 'secret.key'))).toThrow(); // no key file when the variable is set
  });
});

describe('headless key file', () => {
  it('is created with mode 0600 and reused', () => {
    const box = headlessSecretBox(dir, {});
    const file = join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(headlessSecretBox(dir, {}).open(box.seal('pw'))).toBe('pw');
  });

  it('is refused when other users can read it, with the command that fixes it', () => {
    const file = join(dir, 'secret.key');
    writeFileSync(file, `${'cd'.repeat(32)}\n`);
    chmodSync(file, 0o644);
    expect(() => headlessSecretBox(dir, {})).toThrow(`run: chmod 600 ${file}`);
    chmodSync(file, 0o600);
    expect(headlessSecretBox(dir, {}).keySource).toBe(file);
  });
});
