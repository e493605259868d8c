import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedAppSettings, DEFAULT_APP_SETTINGS } from '../../src-shared/config/app-settings';
import type { ExecutionStatus } from '../../src-shared/api/model';
import { createAppLog, type AppLog } from '../logs/app-logger';
import { createCheckpointRepo } from '../store/checkpoint-repo';
import { createExecutionRepo } from '../store/execution-repo';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createRetention } from './retention';

/*
 * Retention over a real SQLite store and real files: which executions go (with checkpoints,
 * execution logs and dead letters), which stay (recent, or not finished however old), and which
 * log files go by age.
 */

const NOW = new Date('2025-06-30T12:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const JOB = '5b0c1a56-0000-4000-8000-00000000000a';

describe('retention', () => {
  let dataDir: string;
  let store: Store;
  let appLog: AppLog;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fustgo-retention-'));
    store = await openStore({ dataDir });
    appLog = createAppLog({ dataDir });
    await createJobRepo(store.db).insert(
      { id: JOB, name: 'nightly', description: '', config_yaml: 'version: 1', flow_diagram: null },
      daysAgo(90).toISOString(),
    );
  });
  afterEach(async () => {
    appLog.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logsDir = () => join(dataDir, 'logs');
  const executionLog = (id: string) => join(logsDir(), 'executions', `${id}.log`);
  const deadLetters = (id: string) => join(dataDir, 'jobs', JOB, 'dead-letter', `${id}.jsonl`);
  const touch = (path: string, age: Date, text = 'x\n') => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    utimesSync(path, age, age);
  };

  /** An execution created `days` ago, in `status`, with a checkpoint, a log and dead letters. */
  async function execution(id: string, days: number, status: ExecutionStatus): Promise<void> {
    const executions = createExecutionRepo(store.db);
    const created = daysAgo(days);
    await executions.insert(
      { id, job_id: JOB, status: status === 'queued' ? 'queued' : 'pending' },
      created.toISOString(),
    );
    const finished = ['completed', 'failed', 'cancelled'].includes(status);
    await executions.update(id, {
      status,
      started_at: created.toISOString(),
      finished_at: finished ? new Date(created.getTime() + 60_000).toISOString() : null,
    });
    await createCheckpointRepo(store.db).save(id, new Map([[0, { offset: 10 }]]), created.toISOString());
    touch(executionLog(id), created);
    touch(deadLetters(id), created);
  }

  const executionIds = async () =>
    (await store.db.selectFrom('executions').select('id').orderBy('id').execute()).map((row) => row.id);
  const checkpointIds = async () =>
    (await store.db.selectFrom('checkpoints').select('execution_id').orderBy('execution_id').execute()).map(
      (row) => row.execution_id,
    );

  it('deletes old finished executions with their files, keeps recent and unfinished ones, and says so', async () => {
    await execution('old-completed', 45, 'completed');
    await execution('old-failed', 31, 'failed');
    await execution('recent', 3, 'completed');
    await execution('old-running', 60, 'running');
    await execution('old-paused', 60, 'paused');
    await execution('old-queued', 40, 'queued');
    // Another file kept under the execution's id beside its dead letters (an edit, say) goes too.
    touch(join(dataDir, 'jobs', JOB, 'dead-letter', 'old-failed.edits.json'), daysAgo(31));
    // App logs: one moved aside 10 days ago goes, one 2 days ago stays, and the current one stays.
    touch(join(logsDir(), 'fustgo.2025-06-20T00-00-00-000Z.log'), daysAgo(10));
    touch(join(logsDir(), 'fustgo.2025-06-28T00-00-00-000Z.log'), daysAgo(2));
    touch(join(logsDir(), 'fustgo.log.1'), daysAgo(8)); // of an earlier version
    // An orphan execution log (its execution deleted with its job) past logs_days goes.
    touch(executionLog('orphan'), daysAgo(9));

    const retention = createRetention({
      db: store.db,
      settings: fixedAppSettings(),
      dataDir,
      logger: appLog.logger,
      now: () => NOW,
      intervalMs: 0,
    });
    const result = await retention.api.runCleanup({});
    await retention.close();

    expect(result).toMatchObject({
      executions: 2,
      checkpoints: 2,
      execution_log_files: 2,
      dead_letter_files: 3,
      // fustgo.2025-06-20…, fustgo.log.1 and the orphan's log; old logs of unfinished runs stay with them.
      log_files: 3,
    });
    expect(await executionIds()).toEqual(['old-paused', 'old-queued', 'old-running', 'recent']);
    expect(await checkpointIds()).toEqual(['old-paused', 'old-queued', 'old-running', 'recent']);
    for (const gone of ['old-completed', 'old-failed']) {
      expect(existsSync(executionLog(gone))).toBe(false);
      expect(existsSync(deadLetters(gone))).toBe(false);
    }
    expect(existsSync(join(dataDir, 'jobs', JOB, 'dead-letter', 'old-failed.edits.json'))).toBe(false);
    for (const kept of ['recent', 'old-running', 'old-paused', 'old-queued']) {
      expect(existsSync(executionLog(kept))).toBe(true);
      expect(existsSync(deadLetters(kept))).toBe(true);
    }
    expect(existsSync(join(logsDir(), 'fustgo.2025-06-20T00-00-00-000Z.log'))).toBe(false);
    expect(existsSync(join(logsDir(), 'fustgo.log.1'))).toBe(false);
    expect(existsSync(join(logsDir(), 'fustgo.2025-06-28T00-00-00-000Z.log'))).toBe(true);
    expect(existsSync(executionLog('orphan'))).toBe(false);

    const said = readFileSync(join(logsDir(), 'fustgo.log'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; executions?: number });
    expect(said.at(-1)?.msg).toMatch(
      /^retention deleted 2 executions older than 30 days .* and 3 log files older than 7 days$/,
    );
    expect(said.at(-1)?.executions).toBe(2);
  });

  it('follows the settings and runs at start by itself', async () => {
    await execution('ten-days', 10, 'completed');
    await execution('two-days', 2, 'completed');
    const settings = fixedAppSettings({
      retention: { ...DEFAULT_APP_SETTINGS.retention, executions_days: 5, logs_days: 30 },
    });
    const retention = createRetention({
      db: store.db,
      settings,
      dataDir,
      logger: appLog.logger,
      now: () => NOW,
      intervalMs: 60_000,
    });
    await expect.poll(executionIds).toEqual(['two-days']);
    await retention.close();
    expect(existsSync(executionLog('ten-days'))).toBe(false);
  });

  it('deletes nothing when nothing is old, and says nothing', async () => {
    await execution('recent', 1, 'completed');
    const retention = createRetention({
      db: store.db,
      settings: fixedAppSettings(),
      dataDir,
      logger: appLog.logger,
      now: () => NOW,
      intervalMs: 0,
    });
    expect(await retention.runRetention()).toMatchObject({
      executions: 0,
      log_files: 0,
      dead_letter_files: 0,
    });
    await retention.close();
    expect(existsSync(join(logsDir(), 'fustgo.log'))).toBe(false);
  });
});
