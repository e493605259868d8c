import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Connection, ConnectionTestResult } from '../../src-shared/api/connection-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { ConfirmDelete, ErrorBanner } from '../app/widgets';
import { ScanStatus } from '../catalog/scan-status';
import { ConnectionDialog, TestResult } from './connection-dialog';

/** Where a connection points, in one line: `host:port/database` or a file path. */
export function connectionTarget(connection: Connection): string {
  const c = connection.config;
  if (typeof c.path === 'string') return c.path;
  const port = c.port === undefined ? '' : `:${String(c.port as number)}`;
  const user = typeof c.username === 'string' ? `${c.username}@` : '';
  return `${user}${String(c.host as string)}${port}/${String(c.database as string)}`;
}

/** Saved connections: what pipelines refer to with `connection: { ref: name }`. */
export function ConnectionsPage() {
  const { t, i18n } = useTranslation();
  const connections = useAsync(() => api.listConnections({}), []);
  const types = useAsync(() => api.listConnectionTypes({}), []);
  const [dialog, setDialog] = useState<{ editing?: Connection } | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTestResult | 'testing'>>({});
  const [actionError, setActionError] = useState<ErrorText | null>(null);
  const { reload } = connections;

  const test = async (connection: Connection) => {
    setTests((all) => ({ ...all, [connection.id]: 'testing' }));
    try {
      const result = await api.testConnection({ id: connection.id });
      setTests((all) => ({ ...all, [connection.id]: result }));
    } catch (error) {
      setTests((all) => ({
        ...all,
        [connection.id]: { ok: false, message: errorText(error).message, duration_ms: 0 },
      }));
    }
  };

  const remove = async (connection: Connection) => {
    setActionError(null);
    try {
      await api.deleteConnection({ id: connection.id });
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setDeleting(null);
      reload();
    }
  };

  const list = connections.data ?? [];
  return (
    <section className="page" data-testid="connections-page">
      <div className="page-header">
        <h1>{t('connections.title')}</h1>
        <button
          type="button"
          className="button primary"
          data-testid="new-connection"
          disabled={!types.data}
          onClick={() => setDialog({})}
        >
          + {t('connections.new')}
        </button>
      </div>
      <p className="muted">{t('connections.intro')}</p>
      <ErrorBanner
        error={actionError ?? connections.error ?? types.error}
        onClose={actionError ? () => setActionError(null) : undefined}
      />
      <div className="panel">
        <table className="grid" data-testid="connections-table">
          <thead>
            <tr>
              <th>{t('connections.name')}</th>
              <th>{t('connections.type')}</th>
              <th>{t('connections.target')}</th>
              <th>{t('connections.catalog')}</th>
              <th className="col-time">{t('connections.updated')}</th>
              <th className="col-actions">{t('jobs.col_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((connection) => {
              const result = tests[connection.id];
              return (
                <tr key={connection.id} data-testid="connection-row" data-connection-name={connection.name}>
                  <td>
                    <span className="job-name">{connection.name}</span>
                    {connection.description && (
                      <div className="muted small ellipsis">{connection.description}</div>
                    )}
                    {result && result !== 'testing' && (
                      <TestResult result={result} testId="connection-row-test" />
                    )}
                  </td>
                  <td>{types.data?.find((k) => k.type === connection.type)?.title ?? connection.type}</td>
                  <td className="mono small">{connectionTarget(connection)}</td>
                  <td>
                    <ScanStatus connectionId={connection.id} />
                  </td>
                  <td className="mono">
                    {formatDateTime(connection.updated_at, i18n.language, t('common.never'))}
                  </td>
                  <td className="col-actions">
                    <button
                      type="button"
                      className="button small"
                      data-testid="connection-row-test-button"
                      disabled={result === 'testing'}
                      onClick={() => void test(connection)}
                    >
                      {result === 'testing' ? t('connections.testing') : t('connections.test')}
                    </button>
                    <button
                      type="button"
                      className="button small"
                      data-testid="connection-edit"
                      onClick={() => setDialog({ editing: connection })}
                    >
                      {t('connections.edit')}
                    </button>
                    <button
                      type="button"
                      className="button small danger"
                      data-testid="connection-delete"
                      onClick={() => setDeleting(connection)}
                    >
                      {t('common.delete')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!connections.loading && list.length === 0 && (
          <div className="empty" data-testid="connections-empty">
            {t('connections.empty')}
          </div>
        )}
      </div>
      {dialog && types.data && (
        <ConnectionDialog
          types={types.data}
          {...(dialog.editing ? { editing: dialog.editing } : {})}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDelete
          title={t('connections.confirm_delete_title')}
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
        >
          {t('connections.confirm_delete', { name: deleting.name })}
        </ConfirmDelete>
      )}
    </section>
  );
}
