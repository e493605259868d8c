import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_APP_SETTINGS,
  fixedAppSettings,
  type AppSettingsSource,
  type AppSettingsValues,
} from '../../src-shared/config/app-settings';
import type { LogEntry } from '../../src-shared/api/log-model';
import type { StudioEvent } from '../../src-shared/api/model';
import { createAppLog, type AppLog } from './app-logger';
import { createLogService, type LogService } from './log-service';

/** Settings a test can change, as the settings service would. */
function changingSettings(): AppSettingsSource & { set(values: Partial<AppSettingsValues>): void } {
  let current = DEFAULT_APP_SETTINGS;
  const listeners = new Set<(next: AppSettingsValues, previous: AppSettingsValues) => void>();
  return {
    current: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(values) {
      const previous = current;
      current = { ...current, ...values };
      for (const listener of listeners) listener(current, previous);
    },
  };
}

const JOB_A = 'job-a';
const JOB_B = 'job-b';
const RUN_A1 = '11111111-aaaa-4000-8000-000000000001';
const RUN_B1 = '22222222-bbbb-4000-8000-000000000002';

describe('the log service', () => {
  let dataDir: string;
  let appLog: AppLog;
  let service: LogService;
  let settings: ReturnType<typeof changingSettings>;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-logs-'));
    appLog = createAppLog({ dataDir });
    settings = changingSettings();
    service = createLogService({ appLog, settings });
  });
  afterEach(() => {
    service.close();
    appLog.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logsDir = () => join(dataDir, 'logs');
  const linesOf = (path: string) =>
    readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; level: number; time: string });
  const messages = (entries: LogEntry[]) => entries.map((entry) => entry.message);

  /** Logs as the services do: the app, a job's host lines, and a run's lines through run-tracker's child. */
  function logRun(jobId: string, executionId: string, lines: string[]) {
    const host = appLog.logger.child({ job_id: jobId, execution_id: executionId });
    host.info('run started');
    for (const line of lines) host.info({ source: 'run' }, line);
    host.warn({ source: 'run' }, `${executionId.slice(0, 4)} slow writer`);
    host.debug({ source: 'run' }, `${executionId.slice(0, 4)} batch details`);
    host.info({ status: 'completed' }, 'run ended');
  }

  it('writes app lines to fustgo.log and each run to its own file, at the level set', () => {
    appLog.logger.info('services started');
    appLog.logger.info({ job_id: JOB_A, job: 'orders' }, 'job created');
    logRun(JOB_A, RUN_A1, ['read 10 rows']);
    const app = linesOf(join(logsDir(), 'fustgo.log')).map((line) => line.msg);
    // Host lines about the run are in the app log too; the run's own lines are not.
    expect(app).toEqual(['services started', 'job created', 'run started', 'run ended']);
    const run = linesOf(join(logsDir(), 'executions', `${RUN_A1}.log`)).map((line) => line.msg);
    expect(run).toEqual(['run started', 'read 10 rows', '1111 slow writer', 'run ended']); // no debug at info
    expect(typeof linesOf(join(logsDir(), 'fustgo.log'))[0].time).toBe('string');
  });

  it('changes the level at once through the API and the settings, also for loggers made before', async () => {
    const child = appLog.logger.child({ job_id: JOB_A, execution_id: RUN_A1 });
    child.debug({ source: 'run' }, 'hidden at info');
    expect(await service.api.getLogLevel({})).toEqual({ level: 'info' });
    expect(await service.api.setLogLevel({ level: 'debug' })).toEqual({ level: 'debug' });
    child.debug({ source: 'run' }, 'shown at debug');
    settings.set({ log_level: 'warn' });
    expect(await service.api.getLogLevel({})).toEqual({ level: 'warn' });
    child.info({ source: 'run' }, 'hidden at warn');
    child.warn({ source: 'run' }, 'shown at warn');
    const run = linesOf(join(logsDir(), 'executions', `${RUN_A1}.log`)).map((line) => line.msg);
    expect(run).toEqual(['shown at debug', 'shown at warn']);
    const app = linesOf(join(logsDir(), 'fustgo.log')).map((line) => line.msg);
    expect(app).toEqual(['log level changed', 'log level changed']);
  });

  it('announces app lines and debug run lines live; run-tracker announces the other run lines', async () => {
    const events: StudioEvent[] = [];
    const stop = service.onEvent((event) => events.push(event));
    await service.api.setLogLevel({ level: 'debug' });
    appLog.logger.warn('disk almost full');
    logRun(JOB_A, RUN_A1, ['read 10 rows']);
    stop();
    appLog.logger.info('after unsubscribing');
    expect(events.map((event) => (event.type === 'log_entry' ? [event.level, event.message] : null))).toEqual(
      [
        ['info', 'log level changed'],
        ['warn', 'disk almost full'],
        ['info', 'run started'],
        ['debug', '1111 batch details'],
        ['info', 'run ended'],
      ],
    );
    expect(events[2]).toMatchObject({ job_id: JOB_A, execution_id: RUN_A1 });
    expect(events[1]).toMatchObject({ job_id: null, execution_id: null });
  });

  it('queries newest first with level, keyword, job, execution and time filters', async () => {
    appLog.logger.info('services started');
    appLog.logger.info({ job_id: JOB_A, job: 'orders' }, 'job created');
    logRun(JOB_A, RUN_A1, ['read 10 rows from Orders']);
    logRun(JOB_B, RUN_B1, ['read 20 rows from customers']);
    appLog.logger.error({ err: { message: 'socket hang up' } }, 'webhook failed');

    const all = await service.api.queryLogs({});
    expect(messages(all.entries)).toEqual([
      'webhook failed',
      'run ended',
      '2222 slow writer',
      'read 20 rows from customers',
      'run started',
      'run ended',
      '1111 slow writer',
      'read 10 rows from Orders',
      'run started',
      'job created',
      'services started',
    ]);
    expect(all.next_before).toBeNull();
    expect(all.entries[0]).toMatchObject({
      level: 'error',
      job_id: null,
      detail: { err: { message: 'socket hang up' } },
    });
    expect(all.entries[1]).toMatchObject({
      job_id: JOB_B,
      execution_id: RUN_B1,
      detail: { status: 'completed' },
    });

    expect(messages((await service.api.queryLogs({ level: 'warn' })).entries)).toEqual([
      'webhook failed',
      '2222 slow writer',
      '1111 slow writer',
    ]);
    expect(messages((await service.api.queryLogs({ q: 'ORDERS' })).entries)).toEqual([
      'read 10 rows from Orders',
      'job created', // its detail says job "orders"
    ]);
    expect(messages((await service.api.queryLogs({ q: 'hang UP' })).entries)).toEqual(['webhook failed']);
    // Quotes are escaped in the file: such a keyword is looked for in the parsed line.
    expect(messages((await service.api.queryLogs({ q: '"socket hang up"' })).entries)).toEqual([
      'webhook failed',
    ]);
    expect(messages((await service.api.queryLogs({ job_id: JOB_A })).entries)).toEqual([
      'run ended',
      '1111 slow writer',
      'read 10 rows from Orders',
      'run started',
      'job created',
    ]);
    expect(messages((await service.api.queryLogs({ execution_id: RUN_B1, level: 'info' })).entries)).toEqual([
      'run ended',
      '2222 slow writer',
      'read 20 rows from customers',
      'run started',
    ]);
    const times = all.entries.map((entry) => entry.time);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await service.api.queryLogs({ from: future })).entries).toEqual([]);
    expect((await service.api.queryLogs({ to: '2000-01-01T00:00:00Z' })).entries).toEqual([]);
    const ranged = await service.api.queryLogs({ from: times[times.length - 1], to: times[0] });
    expect(ranged.entries).toHaveLength(all.entries.length);
    await expect(service.api.queryLogs({ from: 'yesterday-ish' })).rejects.toThrow(/from: not a date/);
  });

  it('pages through every line exactly once, across files and lines of the same millisecond', async () => {
    for (let i = 0; i < 40; i++) {
      appLog.logger.info(`app ${i}`);
      const run = appLog.logger.child({ job_id: JOB_A, execution_id: i % 2 ? RUN_A1 : RUN_B1 });
      run.info({ source: 'run' }, `run line ${i}`);
    }
    const everything = messages((await service.api.queryLogs({ limit: 1000 })).entries);
    expect(everything).toHaveLength(80);
    const paged: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await service.api.queryLogs({ limit: 7, ...(before ? { before } : {}) });
      paged.push(...messages(page.entries));
      if (!page.next_before) break;
      before = page.next_before;
    }
    expect(paged).toEqual(everything);
    expect(new Set(paged).size).toBe(80);
  });

  it('exports oldest first as JSON lines or text', async () => {
    appLog.logger.info('first');
    appLog.logger.warn({ table: 'orders' }, 'second');
    const jsonl = await service.api.exportLogs({ format: 'jsonl' });
    expect(jsonl).toMatchObject({ lines: 2, truncated: false, content_type: 'application/x-ndjson' });
    expect(jsonl.file_name).toMatch(/^fustgo-logs-all-.*\.jsonl$/);
    expect(
      jsonl.text
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg),
    ).toEqual(['first', 'second']);
    const text = await service.api.exportLogs({ format: 'text', level: 'warn' });
    expect(text.text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}second \{"table":"orders"\}\n$/);
  });

  it('reads the files moved aside and those of earlier versions', async () => {
    mkdirSync(logsDir(), { recursive: true });
    const line = (time: string, msg: string) => `${JSON.stringify({ level: 30, time, pid: 1, msg })}\n`;
    writeFileSync(join(logsDir(), 'fustgo.log.2'), line('2024-01-01T00:00:00.000Z', 'oldest'));
    writeFileSync(
      join(logsDir(), 'fustgo.2024-01-02T00-00-00-000Z.log'),
      line('2024-01-02T00:00:00.000Z', 'older'),
    );
    appLog.logger.info('now');
    expect(messages((await service.api.queryLogs({})).entries)).toEqual(['now', 'older', 'oldest']);
    expect(existsSync(join(logsDir(), 'executions'))).toBe(false);
    expect(readdirSync(logsDir()).sort()).toHaveLength(3);
  });
});

describe('reading a large log', () => {
  let dataDir: string;
  const messages = (entries: LogEntry[]) => entries.map((entry) => entry.message);
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the newest page, a page deep in the past and a keyword search of a 50 MB log quickly', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-biglog-'));
    const logsDir = join(dataDir, 'logs');
    mkdirSync(logsDir, { recursive: true });
    // 50 MB of app lines, one every 10 ms from a fixed start, written as pino writes them.
    const start = Date.parse('2025-03-01T00:00:00.000Z');
    const chunks: string[] = [];
    let size = 0;
    let count = 0;
    while (size < 50 * 1024 * 1024) {
      const time = new Date(start + count * 10).toISOString();
      const level = count % 100 === 0 ? 40 : 30;
      const line = `{"level":${level},"time":"${time}","pid":4242,"job_id":"job-${count % 7}","msg":"processed batch ${count} of the nightly orders load","rows":5000}\n`;
      chunks.push(line);
      size += line.length;
      count++;
    }
    chunks.push(
      `{"level":50,"time":"${new Date(start + count * 10).toISOString()}","pid":4242,"msg":"needle in the haystack"}\n`,
    );
    count++;
    writeFileSync(join(logsDir, 'fustgo.log'), chunks.join(''));
    const appLog = createAppLog({ dataDir });
    const service = createLogService({ appLog, settings: fixedAppSettings() });
    try {
      let began = performance.now();
      const newest = await service.api.queryLogs({ limit: 200 });
      const newestMs = performance.now() - began;
      expect(newest.entries[0].message).toBe('needle in the haystack');
      expect(newest.entries).toHaveLength(200);

      began = performance.now();
      const middle = new Date(start + Math.floor(count / 2) * 10).toISOString();
      const deep = await service.api.queryLogs({ limit: 200, to: middle });
      const deepMs = performance.now() - began;
      // Lines of three fraction digits (earlier versions) are read as six.
      const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
      expect(deep.entries[0].time).toBe(micro(Date.parse(middle)));
      expect(deep.entries[199].time).toBe(micro(Date.parse(middle) - 199 * 10));

      began = performance.now();
      const next = await service.api.queryLogs({ limit: 200, before: newest.next_before ?? undefined });
      const nextMs = performance.now() - began;
      expect(next.entries[0].time < newest.entries[199].time).toBe(true);

      began = performance.now();
      const search = await service.api.queryLogs({ limit: 5, q: 'NEEDLE', level: 'error' });
      const searchMs = performance.now() - began;
      expect(messages(search.entries)).toEqual(['needle in the haystack']);

      began = performance.now();
      const rare = await service.api.queryLogs({ limit: 50, q: 'batch 12345 of' });
      const rareMs = performance.now() - began;
      expect(messages(rare.entries)).toEqual(['processed batch 12345 of the nightly orders load']);

      console.info(
        `50 MB log, ${count} lines: newest page ${newestMs.toFixed(0)} ms, page at the middle ${deepMs.toFixed(0)} ms, ` +
          `next page ${nextMs.toFixed(0)} ms, level+keyword over the whole file ${searchMs.toFixed(0)} ms, ` +
          `keyword over the whole file ${rareMs.toFixed(0)} ms`,
      );
      expect(newestMs).toBeLessThan(250);
      expect(deepMs).toBeLessThan(250);
      expect(nextMs).toBeLessThan(250);
    } finally {
      service.close();
      appLog.close();
    }
  }, 60_000);
});
