import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertCondition, AlertRule } from '../../src-shared/api/alert-model';
import type { StudioEvent } from '../../src-shared/api/model';
import { AlertEvaluator, type AlertTrigger } from './alert-evaluator';
import { firingMessage } from './alert-message';

const MINUTE = 60_000;

function rule(id: string, condition: AlertCondition, extra: Partial<AlertRule> = {}): AlertRule {
  return {
    id,
    name: id,
    enabled: true,
    job_id: null,
    condition,
    actions: [{ type: 'log' }],
    created_at: '',
    updated_at: '',
    ...extra,
  };
}

const status = (
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'paused',
  execution = 'e1',
  job = 'j1',
  error: string | null = null,
): StudioEvent => ({
  type: 'job_status',
  job_id: job,
  execution_id: execution,
  status,
  error,
});

const progress = (
  read: number,
  failed: number,
  rowsPerSecond: number,
  execution = 'e1',
  job = 'j1',
): StudioEvent => ({
  type: 'job_progress',
  job_id: job,
  execution_id: execution,
  records_read: read,
  records_written: read - failed,
  records_failed: failed,
  bytes_read: 0,
  rows_per_second: rowsPerSecond,
  total: null,
  elapsed_ms: 0,
});

describe('alert rules', () => {
  let clock: number;
  let rules: AlertRule[];
  let fired: AlertTrigger[];
  let evaluator: AlertEvaluator;
  const firedKinds = () => fired.map((f) => `${f.rule.id}@${f.execution_id}`);

  beforeEach(() => {
    clock = Date.parse('2025-03-01T00:00:00Z');
    rules = [];
    fired = [];
    evaluator = new AlertEvaluator({
      rules: () => rules,
      now: () => clock,
      fire: (t) => fired.push(t),
      stallMs: 15_000,
    });
  });

  it('job_failed fires when a run fails, once, for the jobs in scope', () => {
    rules = [rule('any', { kind: 'job_failed' }), rule('only-j2', { kind: 'job_failed' }, { job_id: 'j2' })];
    evaluator.onEvent(status('running'));
    evaluator.onEvent(status('completed', 'e0'));
    expect(fired).toEqual([]);
    evaluator.onEvent(status('failed', 'e1', 'j1', 'connection refused\nat line 2'));
    evaluator.onEvent(status('failed', 'e1', 'j1', 'again'));
    expect(firedKinds()).toEqual(['any@e1']);
    expect(firingMessage('orders', fired[0].cause)).toBe('Job "orders" failed: connection refused');
    // A run that failed before it ever ran (its process did not start) counts too.
    evaluator.onEvent(status('failed', 'e2', 'j2'));
    expect(firedKinds()).toEqual(['any@e1', 'any@e2', 'only-j2@e2']);
    expect(evaluator.watching).toBe(0);
  });

  it('does nothing for disabled rules', () => {
    rules = [rule('off', { kind: 'job_failed' }, { enabled: false })];
    evaluator.onEvent(status('failed'));
    expect(fired).toEqual([]);
  });

  it('error_rate_above judges a run from 1000 rows on while it runs, and at its end whatever its size', () => {
    rules = [rule('rate', { kind: 'error_rate_above', percent: 10 })];
    evaluator.onEvent(status('running'));
    evaluator.onEvent(progress(100, 50, 100)); // 50 %, but too few rows to judge yet
    expect(fired).toEqual([]);
    evaluator.onEvent(progress(2000, 150, 100)); // 7.5 %
    expect(fired).toEqual([]);
    evaluator.onEvent(progress(4000, 600, 100)); // 15 %
    evaluator.onEvent(progress(5000, 900, 100));
    expect(firedKinds()).toEqual(['rate@e1']);
    expect(firingMessage('orders', fired[0].cause)).toBe(
      'Job "orders": 15 % of rows failed (600 of 4,000 read), above the 10 % limit',
    );
    evaluator.onEvent(status('completed'));
    expect(fired).toHaveLength(1);

    // A small run: judged at its end.
    evaluator.onEvent(status('running', 'e2'));
    evaluator.onEvent(progress(40, 5, 10, 'e2'));
    evaluator.onEvent(status('completed', 'e2'));
    expect(firedKinds()).toEqual(['rate@e1', 'rate@e2']);
  });

  it('throughput_below fires after the run stayed slow for the whole period, not before', () => {
    rules = [rule('slow', { kind: 'throughput_below', rows_per_second: 100, minutes: 5 })];
    evaluator.onEvent(status('running'));
    clock += 10_000;
    evaluator.onEvent(progress(5000, 0, 500)); // fast: not slow any more
    clock += 2 * MINUTE;
    evaluator.onEvent(progress(6000, 0, 50)); // slow from here
    clock += 4 * MINUTE;
    evaluator.onEvent(progress(6100, 0, 40));
    evaluator.tick();
    expect(fired).toEqual([]);
    clock += MINUTE;
    evaluator.onEvent(progress(6200, 0, 30));
    expect(firedKinds()).toEqual(['slow@e1']);
    expect(firingMessage('orders', fired[0].cause)).toBe(
      'Job "orders" has moved fewer than 100 rows/s for 5 minutes (now 30 rows/s)',
    );
    clock += 10 * MINUTE;
    evaluator.tick();
    expect(fired).toHaveLength(1); // once per execution
  });

  it('throughput_below counts a stalled run (no progress at all) as 0 rows/s', () => {
    rules = [rule('slow', { kind: 'throughput_below', rows_per_second: 1, minutes: 1 })];
    evaluator.onEvent(status('running'));
    evaluator.onEvent(progress(10, 0, 500));
    clock += 30_000;
    evaluator.tick(); // progress is 30 s old: stalled, slow since now
    clock += 59_000;
    evaluator.tick();
    expect(fired).toEqual([]);
    clock += 2_000;
    evaluator.tick();
    expect(firedKinds()).toEqual(['slow@e1']);
  });

  it('throughput_below forgets a slow spell when the run speeds up', () => {
    rules = [rule('slow', { kind: 'throughput_below', rows_per_second: 100, minutes: 2 })];
    evaluator.onEvent(status('running'));
    for (let i = 0; i < 6; i++) {
      clock += 40_000;
      // Slow, fast, slow, fast…: never slow for two minutes on end.
      evaluator.onEvent(progress(i * 1000, 0, i % 2 === 0 ? 10 : 1000));
      evaluator.tick();
    }
    expect(fired).toEqual([]);
  });

  it('run_longer_than fires once the run has been running that long; a paused run is not watched', () => {
    rules = [rule('long', { kind: 'run_longer_than', minutes: 30 })];
    evaluator.onEvent(status('running'));
    evaluator.onEvent(status('running', 'e2'));
    clock += 29 * MINUTE;
    evaluator.tick();
    expect(fired).toEqual([]);
    evaluator.onEvent(status('paused', 'e2'));
    clock += 2 * MINUTE;
    evaluator.tick();
    evaluator.tick();
    expect(firedKinds()).toEqual(['long@e1']);
    expect(firingMessage('orders', fired[0].cause)).toBe(
      'Job "orders" has been running for 31 minutes, longer than the 30 minute limit',
    );
  });

  it('applies rules changed while a run is going', () => {
    evaluator.onEvent(status('running'));
    clock += 10 * MINUTE;
    evaluator.tick();
    rules = [rule('long', { kind: 'run_longer_than', minutes: 5 })];
    evaluator.tick();
    expect(firedKinds()).toEqual(['long@e1']);
  });
});
