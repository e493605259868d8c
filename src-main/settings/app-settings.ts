import { watch, type FSWatcher } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { ConfigProblem } from '../../src-shared/api/model';
import type { SettingsState } from '../../src-shared/api/settings-model';
import {
  DEFAULT_APP_SETTINGS,
  type AppSettingsSource,
  type AppSettingsValues,
} from '../../src-shared/config/app-settings';
import type { AuditRecorder } from '../audit/audit-log';
import { formatProblem } from '../config/problem';
import type { Database } from '../store/database';
import { SettingsRepo } from '../store/settings-repo';
import {
  applySettingsPatch,
  checkSettingsTree,
  checkSettingsValues,
  parseSettingsFile,
  renderSettingsFile,
  SETTINGS_FILE_NAME,
  settingChanges,
  type SettingChange,
} from './app-settings-file';

/** Settings key the app settings are stored under (one JSON object). */
export const APP_SETTINGS_KEY = 'app_settings';

export interface AppSettingsOptions {
  db: Kysely<Database>;
  /** `settings.yaml` lives here. */
  dataDir: string;
  /** Where changes and bad settings files are reported (the log service applies `log_level`). */
  logger: PinoLogger;
  /** Where changes are recorded (who, from where, old and new values). */
  audit?: AuditRecorder;
  /** How many components are switched on, for the Settings page's link to the Plugins page. */
  plugins?: () => { enabled: number; total: number };
  /** Follow edits of `settings.yaml` on disk (default true). */
  watchFile?: boolean;
  /** Quiet time after a file event before the file is read: editors write in steps (default 150 ms). */
  settleMs?: number;
}

export interface AppSettingsService {
  /** What every other service reads the settings from. */
  source: AppSettingsSource;
  api: Pick<StudioApi, 'getSettings' | 'updateSettings'>;
  /** Stops watching the file and waits for a change being applied. */
  close(): Promise<void>;
}

/** Who changed settings by editing the file (the audit log's actor and origin). */
const FILE_EDIT = { actor: SETTINGS_FILE_NAME, origin: 'file' } as const;

/**
 * The app settings: stored in the metadata store and mirrored to `<dataDir>/settings.yaml`, which
 * may be edited by hand — a valid edit applies at once, a bad one is refused with its place and the
 * last good values stay in force. At start a valid file wins over the store (it may have been edited
 * while the studio was closed); a missing file is written.
 */
export async function createAppSettings(options: AppSettingsOptions): Promise<AppSettingsService> {
  const { logger, audit } = options;
  const repo = new SettingsRepo(options.db);
  const filePath = join(options.dataDir, SETTINGS_FILE_NAME);
  const listeners = new Set<(next: AppSettingsValues, previous: AppSettingsValues) => void>();
  let values = storedValues(await repo.get(APP_SETTINGS_KEY), logger);
  let fileProblems: ConfigProblem[] = [];
  /** The file's text as last read or written, so our own writes and no-op saves are not re-applied. */
  let fileText: string | null = null;
  // One change at a time, each from the values the previous one left.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const commit = async (
    next: AppSettingsValues,
    by?: { actor: string; origin: string },
  ): Promise<SettingChange[]> => {
    const changes = settingChanges(values, next);
    if (changes.length === 0) return changes;
    await repo.set(APP_SETTINGS_KEY, next);
    const previous = values;
    values = next;
    logger.info({ changes, by: by?.actor }, 'settings changed');
    await audit?.record({
      action: 'settings.changed',
      target_kind: 'settings',
      target_id: 'app',
      target_name: SETTINGS_FILE_NAME,
      detail: { changes },
      ...by,
    });
    for (const listener of listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        logger.error({ err: error }, 'a settings listener failed');
      }
    }
    return changes;
  };

  const reportFileProblems = (problems: ConfigProblem[]) => {
    fileProblems = problems;
    for (const problem of problems)
      logger.warn({ file: filePath }, `settings file refused: ${formatProblem(problem)}`);
  };

  /** Writes the file for the values in force, keeping the comments of what is there. */
  const writeFileFor = async (next: AppSettingsValues) => {
    const current = await readFile(filePath, 'utf8').catch(() => null);
    const text = renderSettingsFile(next, current);
    if (text === current) return;
    fileText = text;
    // Written beside and renamed over: a reader (an editor, the watcher) never sees half a file.
    const temporary = `${filePath}.${process.pid}.tmp`;
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, filePath);
    fileProblems = [];
  };

  /** Reads the file after an edit on disk (or at start) and applies it when it is valid. */
  const readFileEdit = () =>
    serially(async () => {
      let text: string;
      try {
        text = await readFile(filePath, 'utf8');
      } catch {
        // Deleted (or renamed away mid-save): write it again so it keeps mirroring the settings.
        await writeFileFor(values);
        return;
      }
      if (text === fileText) return;
      // An empty file is one being written (truncated, not yet filled) far more often than a wish to
      // reset everything: the settings in force stay, and the filled file is read on its own event.
      if (text.trim() === '') return;
      fileText = text;
      const parsed = parseSettingsFile(text, SETTINGS_FILE_NAME);
      if (parsed.values === null) {
        reportFileProblems(parsed.problems);
        return;
      }
      fileProblems = [];
      await commit(parsed.values, FILE_EDIT);
    });

  await readFileEdit();

  let watcher: FSWatcher | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  if (options.watchFile ?? true) {
    // The folder, not the file: editors that save by renaming a new file over the old one replace
    // the file's inode, and a watch on the file itself would go quiet after the first save.
    watcher = watch(options.dataDir, (_event, name) => {
      // Some platforms leave the name out; reading the file then costs little (unchanged text is ignored).
      if (name !== null && name !== SETTINGS_FILE_NAME) return;
      clearTimeout(settleTimer);
      settleTimer = setTimeout(() => void readFileEdit(), options.settleMs ?? 150);
    });
    watcher.on('error', (error) => logger.warn({ err: error }, 'stopped watching the settings file'));
  }

  const state = (): SettingsState => ({
    values,
    defaults: DEFAULT_APP_SETTINGS,
    file_path: filePath,
    file_problems: fileProblems,
    plugins: options.plugins?.() ?? { enabled: 0, total: 0 },
  });

  return {
    source: {
      current: () => values,
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    api: {
      getSettings: async () => state(),
      updateSettings: ({ patch }) =>
        serially(async () => {
          const next = applySettingsPatch(values, patch);
          const problems = checkSettingsValues(next);
          if (problems.length > 0) {
            throw new ApiError(
              'bad_request',
              problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
              problems,
            );
          }
          await commit(next);
          await writeFileFor(values);
          return state();
        }),
    },
    async close() {
      clearTimeout(settleTimer);
      watcher?.close();
      await queue;
    },
  };
}

/** The stored values, or the defaults for what is missing or no longer valid (written by another version). */
function storedValues(stored: unknown, logger: PinoLogger): AppSettingsValues {
  if (stored === undefined) return structuredClone(DEFAULT_APP_SETTINGS);
  const checked = checkSettingsTree(stored, 'store');
  if (checked.values) return checked.values;
  logger.warn({ problems: checked.problems }, 'stored settings not valid; using the defaults');
  return structuredClone(DEFAULT_APP_SETTINGS);
}
