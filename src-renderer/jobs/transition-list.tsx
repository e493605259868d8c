import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { ErrorBanner, StatusBadge } from '../app/widgets';
import { useRunStore } from './run-store';

/** The job's lifecycle: every state it moved through, who moved it and why, newest first. */
export function TransitionList({ jobId }: { jobId: string }) {
  const { t, i18n } = useTranslation();
  const statusVersion = useRunStore((state) => state.statusVersion);
  const transitions = useAsync(() => api.listJobTransitions({ id: jobId, limit: 200 }), [jobId]);
  const { reload } = transitions;
  useEffect(() => {
    if (statusVersion > 0) reload();
  }, [statusVersion, reload]);
  const list = transitions.data ?? [];
  return (
    <>
      <ErrorBanner error={transitions.error} />
      {list.length === 0 ? (
        <div className="empty">{t('lifecycle.no_transitions')}</div>
      ) : (
        <table className="grid" data-testid="transitions">
          <thead>
            <tr>
              <th className="col-time">{t('lifecycle.col_time')}</th>
              <th>{t('lifecycle.col_move')}</th>
              <th>{t('lifecycle.col_actor')}</th>
              <th>{t('lifecycle.col_reason')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((move) => (
              <tr key={move.id} data-testid="transition-row" data-to={move.to_state}>
                <td className="mono">{formatDateTime(move.at, i18n.language)}</td>
                <td className="transition-move">
                  <StatusBadge status={move.from_state} /> → <StatusBadge status={move.to_state} />
                </td>
                <td>{move.actor}</td>
                <td
                  className={move.to_state === 'failed' ? 'error-cell' : 'ellipsis'}
                  title={move.reason ?? ''}
                >
                  {move.reason ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
