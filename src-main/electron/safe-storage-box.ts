import { safeStorage } from 'electron';
import { headlessSecretBox, SecretBoxError, type SecretBox } from '../connections/secret-box';

const SAFE_PREFIX = 'safe1:';

/**
 * The desktop's secret box: Electron safeStorage (the macOS Keychain, Windows DPAPI, the Linux
 * secret service). Where it is unavailable, or on Linux falls back to its hard-coded "basic_text"
 * key, the headless AES box with the data dir's 0600 key file is stronger, so that is used.
 * Call after the app is ready.
 */
export function desktopSecretBox(dataDir: string): SecretBox {
  const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || weak) return headlessSecretBox(dataDir);
  let fallback: SecretBox | undefined;
  return {
    keySource: 'the system keychain (Electron safeStorage)',
    seal: (plain) => SAFE_PREFIX + safeStorage.encryptString(plain).toString('base64'),
    open(sealed) {
      // Secrets saved while the keychain was unavailable stay readable with the key file.
      if (!sealed.startsWith(SAFE_PREFIX)) return (fallback ??= headlessSecretBox(dataDir)).open(sealed);
      try {
        return safeStorage.decryptString(Buffer.from(sealed.slice(SAFE_PREFIX.length), 'base64'));
      } catch (error) {
        throw new SecretBoxError(
          `the system keychain cannot decrypt the secret (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    },
  };
}
