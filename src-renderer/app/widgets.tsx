import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExecutionStatus, JobState } from '../../src-shared/api/model';
import type { ErrorText } from '../api/error-text';

/** A coloured status pill for a run's status or a job's state; `null` means the job never ran. */
export function StatusBadge({
  status,
  testId,
}: {
  status: ExecutionStatus | JobState | null;
  testId?: string;
}) {
  const { t } = useTranslation();
  const key = status ?? 'never_run';
  return (
    <span className={`badge badge-${key}`} data-testid={testId} data-status={key}>
      {t(`status.${key}`)}
    </span>
  );
}

/** An API error as a banner, with the located config problems under it. */
export function ErrorBanner({ error, onClose }: { error: ErrorText | null; onClose?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div className="error-head">
        <strong>{error.message}</strong>
        {onClose && (
          <button type="button" className="link-button" onClick={onClose}>
            {t('common.close')}
          </button>
        )}
      </div>
      {error.problems.length > 0 && (
        <>
          <div>{t('errors.invalid_config')}</div>
          <ul className="problem-lines">
            {error.problems.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** A modal dialog on the native <dialog> element (focus trap and Escape for free). */
export function Modal({
  title,
  children,
  footer,
  onClose,
  testId,
}: {
  title: string;
  children: ReactNode;
  footer: ReactNode;
  onClose: () => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="modal-title">{title}</div>
      <div className="modal-body">{children}</div>
      <div className="modal-footer">{footer}</div>
    </dialog>
  );
}

/** "Delete X?": a modal with Cancel and a red Delete (test ids `confirm-delete`, `confirm-delete-ok`). */
export function ConfirmDelete({
  title,
  children,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      title={title}
      testId="confirm-delete"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="button danger-solid"
            data-testid="confirm-delete-ok"
            onClick={onConfirm}
          >
            {t('common.delete')}
          </button>
        </>
      }
    >
      {children}
    </Modal>
  );
}
