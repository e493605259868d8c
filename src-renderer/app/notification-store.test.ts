import { describe, expect, it } from 'vitest';
import { MAX_NOTIFICATIONS, notificationOf, useNotifications } from './notification-store';

describe('notifications', () => {
  it('come from failed runs and failed catalog scans only', () => {
    expect(
      notificationOf(
        {
          type: 'job_status',
          job_id: 'j1',
          execution_id: 'e1',
          status: 'failed',
          error: 'connection refused',
        },
        1,
      ),
    ).toEqual({
      key: 'job:j1',
      level: 'error',
      title: 'notifications.run_failed',
      detail: 'connection refused',
      subject: { kind: 'job', id: 'j1' },
      at: 1,
    });
    expect(
      notificationOf({
        type: 'job_status',
        job_id: 'j1',
        execution_id: 'e1',
        status: 'completed',
        error: null,
      }),
    ).toBeNull();
    const scan = {
      type: 'catalog_scan' as const,
      connection_id: 'c1',
      scan_id: 's1',
      tables_done: 0,
      tables_total: null,
      attempts: 3,
      error: 'ECONNREFUSED 127.0.0.1:5999',
    };
    expect(notificationOf({ ...scan, status: 'failed' })).toMatchObject({
      key: 'scan:c1',
      title: 'notifications.scan_failed',
      subject: { kind: 'connection', id: 'c1' },
    });
    expect(notificationOf({ ...scan, status: 'running' })).toBeNull();
  });

  it('replace an earlier notice about the same thing and keep at most a few', () => {
    const { push, dismiss } = useNotifications.getState();
    const failed = (job: string, at: number) =>
      notificationOf(
        { type: 'job_status', job_id: job, execution_id: 'e', status: 'failed', error: `boom ${at}` },
        at,
      );
    push(failed('a', 1)!);
    push(failed('a', 2)!);
    expect(useNotifications.getState().notifications.map((n) => n.detail)).toEqual(['boom 2']);
    for (let i = 0; i < 10; i++) push(failed(`j${i}`, i)!);
    expect(useNotifications.getState().notifications).toHaveLength(MAX_NOTIFICATIONS);
    dismiss('job:j9');
    expect(useNotifications.getState().notifications.map((n) => n.key)).not.toContain('job:j9');
  });
});
