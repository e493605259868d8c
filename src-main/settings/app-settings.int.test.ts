import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS, type AppSettingsValues } from '../../src-shared/config/app-settings';
import { createAuditLog, type AuditLog } from '../audit/audit-log';
import { runWithRequestContext } from '../audit/request-context';
import { openStore, type Store } from '../store/open-store';
import { SettingsRepo } from '../store/settings-repo';
import { APP_SETTINGS_KEY, createAppSettings, type AppSettingsService } from './app-settings';

/*
 * The app settings with a real store and a real settings file: the file is written at the first
 * start, an edit on disk applies live (listeners hear it), a bad edit is refused with its place
 * while the last good values stay, the API writes the file keeping comments, and every change
 * lands in the audit log with who made it.
 */

let dataDir: string;
let store: Store;
let audit: AuditLog;
let settings: AppSettingsService | undefined;
let logLines: string[];

const file = () => join(dataDir, 'settings.yaml');

function memoryLogger() {
  logLines = [];
  return pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
}

async function start(): Promise<AppSettingsService> {
  settings = await createAppSettings({
    db: store.db,
    dataDir,
    logger: memoryLogger(),
    audit,
    plugins: () => ({ enabled: 3, total: 4 }),
    settleMs: 50,
  });
  return settings;
}

/** Waits until `check` passes (file events arrive asynchronously). */
async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-app-settings-'));
  store = await openStore({ dataDir });
  audit = createAuditLog({ db: store.db, logger: pino({ level: 'silent' }) });
});

afterEach(async () => {
  await settings?.close();
  settings = undefined;
  await audit.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('app settings', () => {
  it('writes settings.yaml at the first start, with the defaults and what each setting does', async () => {
    const service = await start();
    expect(service.source.current()).toEqual(DEFAULT_APP_SETTINGS);
    const text = readFileSync(file(), 'utf8');
    expect(text).toContain('max_concurrent_jobs: 5');
    expect(text).toContain('# Days audit log entries are kept.');
    const state = await service.api.getSettings({});
    expect(state).toMatchObject({ file_path: file(), file_problems: [], plugins: { enabled: 3, total: 4 } });
  });

  it('applies an edit of the file on disk at once, and its listeners hear it', async () => {
    const service = await start();
    const heard: [AppSettingsValues, AppSettingsValues][] = [];
    service.source.onChange((next, previous) => heard.push([next, previous]));

    writeFileSync(
      file(),
      readFileSync(file(), 'utf8').replace('max_concurrent_jobs: 5', 'max_concurrent_jobs: 2'),
    );
    await eventually(() => expect(heard).toHaveLength(1));
    expect(heard[0][1].worker.max_concurrent_jobs).toBe(5);
    expect(heard[0][0].worker.max_concurrent_jobs).toBe(2);
    expect(service.source.current().worker.max_concurrent_jobs).toBe(2);
    // Stored too: the next start has it even without the file.
    expect(await new SettingsRepo(store.db).get(APP_SETTINGS_KEY)).toMatchObject({
      worker: { max_concurrent_jobs: 2 },
    });

    const { entries } = await audit.api.listAudit({ limit: 10, offset: 0 });
    expect(entries).toMatchObject([
      {
        action: 'settings.changed',
        actor: 'settings.yaml',
        origin: 'file',
        detail: { changes: [{ field: 'worker.max_concurrent_jobs', from: 5, to: 2 }] },
      },
    ]);
  });

  it('refuses a bad edit with its place, keeps the last good values, and takes the next good one', async () => {
    const service = await start();
    const heard: AppSettingsValues[] = [];
    service.source.onChange((next) => heard.push(next));
    const good = readFileSync(file(), 'utf8');

    writeFileSync(file(), good.replace('max_concurrent_jobs: 5', 'max_concurrent_jobs: 0'));
    const state = await eventually(async () => {
      const now = await service.api.getSettings({});
      expect(now.file_problems).toHaveLength(1);
      return now;
    });
    const line = good.split('\n').findIndex((l) => l.includes('max_concurrent_jobs')) + 1;
    expect(state.file_problems[0]).toEqual({
      file: 'settings.yaml',
      line,
      col: 3,
      path: 'worker.max_concurrent_jobs',
      message: 'must be an integer ≥ 1',
    });
    expect(state.values.worker.max_concurrent_jobs).toBe(5);
    expect(heard).toEqual([]);
    expect(logLines.join('')).toContain(
      `settings file refused: settings.yaml:${line}:3: worker.max_concurrent_jobs: must be an integer ≥ 1`,
    );

    writeFileSync(file(), good.replace('log_level: info', 'log_level: warn'));
    await eventually(() => expect(heard).toHaveLength(1));
    expect(heard[0].log_level).toBe('warn');
    expect((await service.api.getSettings({})).file_problems).toEqual([]);
  });

  it('keeps the settings in force while the file is empty (being written), and takes it once filled', async () => {
    const service = await start();
    const heard: AppSettingsValues[] = [];
    service.source.onChange((next) => heard.push(next));
    await service.api.updateSettings({ patch: { worker: { max_concurrent_jobs: 3 } } });
    heard.length = 0;
    const good = readFileSync(file(), 'utf8');
    writeFileSync(file(), '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.source.current().worker.max_concurrent_jobs).toBe(3);
    expect(heard).toEqual([]);
    writeFileSync(file(), good.replace('max_concurrent_jobs: 3', 'max_concurrent_jobs: 4'));
    await eventually(() => expect(heard).toHaveLength(1));
    expect(service.source.current().worker.max_concurrent_jobs).toBe(4);
  });

  it('changes through the API: checked, applied, written to the file keeping comments, audited with the caller', async () => {
    const service = await start();
    writeFileSync(file(), '# mine, keep me\nworker:\n  max_concurrent_jobs: 5 # my note\n');
    await eventually(async () => expect(readFileSync(file(), 'utf8')).toContain('mine'));
    const heard: AppSettingsValues[] = [];
    service.source.onChange((next) => heard.push(next));

    const state = await runWithRequestContext({ actor: 'ann', origin: '10.1.2.3' }, () =>
      service.api.updateSettings({
        patch: { worker: { max_concurrent_jobs: 3 }, retention: { logs_days: 14 } },
      }),
    );
    expect(state.values.worker.max_concurrent_jobs).toBe(3);
    expect(heard.map((v) => v.retention.logs_days)).toEqual([14]);
    const text = readFileSync(file(), 'utf8');
    expect(text).toContain('# mine, keep me');
    expect(text).toContain('max_concurrent_jobs: 3 # my note');
    expect(text).toContain('logs_days: 14');

    await expect(
      service.api.updateSettings({ patch: { worker: { max_concurrent_jobs: 0 } } }),
    ).rejects.toMatchObject({
      code: 'bad_request',
      message: 'worker.max_concurrent_jobs: must be an integer ≥ 1',
    });
    await expect(service.api.updateSettings({ patch: { log_level: 'warn' } })).resolves.toBeDefined();
    expect(service.source.current().log_level).toBe('warn');
    expect(service.source.current().worker.max_concurrent_jobs).toBe(3);

    // Our own writes of the file are not taken for edits (no extra changes or entries).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toHaveLength(2);
    const { entries } = await audit.api.listAudit({ action: 'settings.changed', limit: 10, offset: 0 });
    expect(entries).toMatchObject([
      {
        actor: 'system',
        origin: 'internal',
        detail: { changes: [{ field: 'log_level', from: 'info', to: 'warn' }] },
      },
      {
        actor: 'ann',
        origin: '10.1.2.3',
        detail: {
          changes: [
            { field: 'worker.max_concurrent_jobs', from: 5, to: 3 },
            { field: 'retention.logs_days', from: 7, to: 14 },
          ],
        },
      },
    ]);
  });

  it('takes an edit made while the studio was closed at the next start', async () => {
    await (await start()).close();
    writeFileSync(file(), 'retention:\n  executions_days: 10\n');
    const service = await start();
    expect(service.source.current().retention.executions_days).toBe(10);
    // A bad file at start: the stored values stay, the problem is reported.
    await service.close();
    writeFileSync(file(), 'retention:\n  executions_days: soon\n');
    const again = await start();
    expect(again.source.current().retention.executions_days).toBe(10);
    expect((await again.api.getSettings({})).file_problems[0]).toMatchObject({ line: 2, col: 3 });
  });
});
