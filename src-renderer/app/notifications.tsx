import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api/client';
import { useAsync } from './use-async';
import { useNotifications, type Notification } from './notification-store';

/** The name of what a notification is about (the event carries only its id). */
function SubjectName({ notification }: { notification: Notification }) {
  const { subject } = notification;
  const name = useAsync(
    () =>
      subject.kind === 'alert_rule'
        ? Promise.resolve(subject.name)
        : subject.kind === 'job'
          ? api.getJob({ id: subject.id }).then((job) => job.name)
          : api.getConnection({ id: subject.id }).then((connection) => connection.name),
    [subject.kind, subject.id],
  );
  const href =
    subject.kind === 'job'
      ? `/jobs/${subject.id}`
      : subject.kind === 'alert_rule'
        ? '/alerts'
        : '/connections';
  return <Link href={href}>{name.data ?? subject.id}</Link>;
}

/** Failures of background work, stacked in a corner whatever page is open. */
export function Notifications() {
  const { t } = useTranslation();
  const notifications = useNotifications((state) => state.notifications);
  const dismiss = useNotifications((state) => state.dismiss);
  if (notifications.length === 0) return null;
  return (
    <div className="notifications" role="status" aria-live="polite">
      {notifications.map((notification) => (
        <div
          key={notification.key}
          className={`notification ${notification.level}`}
          data-testid="notification"
          data-key={notification.key}
        >
          <div className="notification-head">
            <strong>{t(notification.title)}</strong>
            <button
              type="button"
              className="link-button"
              aria-label={t('common.close')}
              onClick={() => dismiss(notification.key)}
            >
              ×
            </button>
          </div>
          <SubjectName notification={notification} />
          {notification.detail && <div className="notification-detail">{notification.detail}</div>}
        </div>
      ))}
    </div>
  );
}
