import { create } from 'zustand';
import type { StudioClient } from '../../src-shared/api/contract';
import type { StudioEvent } from '../../src-shared/api/model';

/*
 * Notifications: background work that fails (a run, a catalog scan) says so where the user is
 * looking, whatever page is open, not only in a log. Failures stay until dismissed.
 */

/** What a notification is about, so the view can name it and link to it. */
export type NotificationSubject =
  | { kind: 'job'; id: string }
  | { kind: 'connection'; id: string }
  /** An alert rule that fired: the event names it, so nothing is looked up. */
  | { kind: 'alert_rule'; id: string; name: string };

export interface Notification {
  /** One per subject and cause: a repeated failure replaces the earlier notice instead of stacking. */
  key: string;
  level: 'error' | 'success';
  /** i18n key of the headline (`notifications.run_failed`, …). */
  title: 'notifications.run_failed' | 'notifications.scan_failed' | 'admin.alerts.notification';
  detail: string | null;
  subject: NotificationSubject;
  at: number;
}

/** The notification an event deserves, if any (plain function, unit-tested). */
export function notificationOf(event: StudioEvent, at = Date.now()): Notification | null {
  if (event.type === 'job_status' && event.status === 'failed') {
    return {
      key: `job:${event.job_id}`,
      level: 'error',
      title: 'notifications.run_failed',
      detail: event.error,
      subject: { kind: 'job', id: event.job_id },
      at,
    };
  }
  if (event.type === 'catalog_scan' && event.status === 'failed') {
    return {
      key: `scan:${event.connection_id}`,
      level: 'error',
      title: 'notifications.scan_failed',
      detail: event.error,
      subject: { kind: 'connection', id: event.connection_id },
      at,
    };
  }
  if (event.type === 'alert_fired') {
    return {
      // Each firing stays on its own (a rule fires once per execution; a test each time it is pressed).
      key: `alert:${event.rule_id}:${event.execution_id ?? event.fired_at}`,
      level: 'error',
      title: 'admin.alerts.notification',
      detail: event.body,
      subject: { kind: 'alert_rule', id: event.rule_id, name: event.rule_name },
      at,
    };
  }
  return null;
}

/** The most notifications shown at once; older ones drop off. */
export const MAX_NOTIFICATIONS = 5;

interface NotificationState {
  notifications: Notification[];
  push(notification: Notification): void;
  dismiss(key: string): void;
}

export const useNotifications = create<NotificationState>((set) => ({
  notifications: [],
  push: (notification) =>
    set((state) => ({
      notifications: [notification, ...state.notifications.filter((n) => n.key !== notification.key)].slice(
        0,
        MAX_NOTIFICATIONS,
      ),
    })),
  dismiss: (key) => set((state) => ({ notifications: state.notifications.filter((n) => n.key !== key) })),
}));

/** Feeds notifications from a client's events; returns the unsubscribe function. */
export function connectNotifications(client: StudioClient): () => void {
  return client.onEvent((event) => {
    const notification = notificationOf(event);
    if (notification) useNotifications.getState().push(notification);
  });
}
