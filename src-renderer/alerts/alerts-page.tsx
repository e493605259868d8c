import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type {
  AlertActionResult,
  AlertCondition,
  AlertFiring,
  AlertRule,
} from '../../src-shared/api/alert-model';
import { api, studio } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatDateTime } from '../app/format';
import { useAsync } from '../app/use-async';
import { ConfirmDelete, ErrorBanner } from '../app/widgets';
import { AlertRuleDialog } from './alert-rule-dialog';

/*
 * The Alerts page (`#/alerts`): the rules (when to tell someone, and how), a test button that fires
 * a rule's actions with a sample message, and the history of every firing with how each action went.
 */

function ConditionText({ condition }: { condition: AlertCondition }) {
  const { t } = useTranslation();
  switch (condition.kind) {
    case 'job_failed':
      return <>{t('admin.alerts.condition_job_failed')}</>;
    case 'error_rate_above':
      return <>{t('admin.alerts.condition_error_rate_above', { percent: condition.percent })}</>;
    case 'throughput_below':
      return (
        <>
          {t('admin.alerts.condition_throughput_below', {
            rows: condition.rows_per_second,
            minutes: condition.minutes,
          })}
        </>
      );
    case 'run_longer_than':
      return <>{t('admin.alerts.condition_run_longer_than', { minutes: condition.minutes })}</>;
  }
}

function ActionResults({ results, testId }: { results: AlertActionResult[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <ul className="admin-alert-results" data-testid={testId}>
      {results.map((result, index) => (
        <li key={index} className={result.ok ? 'ok' : 'failed'} data-ok={result.ok} title={result.detail}>
          {result.ok ? '✓' : '✗'} {t(`admin.alerts.action_${result.type}`)}
          {result.type === 'webhook' && <span className="muted"> — {result.detail}</span>}
        </li>
      ))}
    </ul>
  );
}

export function AlertsPage() {
  const { t, i18n } = useTranslation();
  const rules = useAsync(() => api.listAlertRules({}), []);
  const history = useAsync(() => api.listAlertHistory({ limit: 100 }), []);
  const jobs = useAsync(() => api.listJobs({}), []);
  const [dialog, setDialog] = useState<{ editing?: AlertRule } | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const [testing, setTesting] = useState<Record<string, AlertFiring | 'testing'>>({});
  const [actionError, setActionError] = useState<ErrorText | null>(null);
  const reloadHistory = history.reload;

  // Firings arrive while the page is open: the history follows.
  useEffect(
    () =>
      studio.onEvent((event) => {
        if (event.type === 'alert_fired') reloadHistory();
      }),
    [reloadHistory],
  );

  const jobName = (id: string | null) =>
    id === null ? t('admin.alerts.all_jobs') : (jobs.data?.find((job) => job.id === id)?.name ?? id);

  const act = async (work: () => Promise<void>) => {
    setActionError(null);
    try {
      await work();
    } catch (failure) {
      setActionError(errorText(failure));
    }
  };

  const test = (rule: AlertRule) =>
    act(async () => {
      setTesting((all) => ({ ...all, [rule.id]: 'testing' }));
      try {
        const firing = await api.testAlertRule({ id: rule.id });
        setTesting((all) => ({ ...all, [rule.id]: firing }));
      } catch (failure) {
        setTesting(({ [rule.id]: _dropped, ...rest }) => rest);
        throw failure;
      }
      reloadHistory();
    });

  const toggle = (rule: AlertRule) =>
    act(async () => {
      const { created_at: _created, updated_at: _updated, ...fields } = rule;
      await api.saveAlertRule({ ...fields, enabled: !rule.enabled });
      rules.reload();
    });

  const remove = (rule: AlertRule) =>
    act(async () => {
      setDeleting(null);
      await api.deleteAlertRule({ id: rule.id });
      rules.reload();
    });

  const list = rules.data ?? [];
  const firings = history.data ?? [];
  return (
    <section className="page admin-alerts" data-testid="alerts-page">
      <div className="page-header">
        <h1>{t('admin.alerts.title')}</h1>
        <button
          type="button"
          className="button primary"
          data-testid="new-alert-rule"
          disabled={!jobs.data}
          onClick={() => setDialog({})}
        >
          + {t('admin.alerts.new_rule')}
        </button>
      </div>
      <p className="muted">{t('admin.alerts.intro')}</p>
      <ErrorBanner
        error={actionError ?? rules.error ?? history.error}
        onClose={actionError ? () => setActionError(null) : undefined}
      />
      <div className="panel">
        <div className="panel-title">{t('admin.alerts.rules')}</div>
        <table className="grid" data-testid="alert-rules">
          <thead>
            <tr>
              <th>{t('admin.alerts.name')}</th>
              <th>{t('admin.alerts.scope')}</th>
              <th>{t('admin.alerts.condition')}</th>
              <th>{t('admin.alerts.actions')}</th>
              <th>{t('admin.alerts.enabled')}</th>
              <th className="col-actions">{t('jobs.col_actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((rule) => {
              const tested = testing[rule.id];
              return (
                <tr
                  key={rule.id}
                  data-testid="alert-rule-row"
                  data-rule-name={rule.name}
                  className={rule.enabled ? undefined : 'admin-alert-off'}
                >
                  <td>
                    <span className="job-name">{rule.name}</span>
                    {tested && tested !== 'testing' && (
                      <div className="admin-alert-tested">
                        {t('admin.alerts.tested')}
                        <ActionResults results={tested.results} testId="alert-test-result" />
                      </div>
                    )}
                  </td>
                  <td>
                    {rule.job_id ? (
                      <Link href={`/jobs/${rule.job_id}`}>{jobName(rule.job_id)}</Link>
                    ) : (
                      jobName(null)
                    )}
                  </td>
                  <td>
                    <ConditionText condition={rule.condition} />
                  </td>
                  <td className="small">
                    {rule.actions
                      .map((action) =>
                        action.type === 'webhook'
                          ? `${t('admin.alerts.action_webhook')} (${action.url})`
                          : t(`admin.alerts.action_${action.type}`),
                      )
                      .join(', ')}
                  </td>
                  <td>
                    <button
                      type="button"
                      role="switch"
                      aria-checked={rule.enabled}
                      className="admin-switch"
                      data-testid="alert-rule-switch"
                      aria-label={rule.enabled ? t('admin.alerts.disable') : t('admin.alerts.enable')}
                      onClick={() => void toggle(rule)}
                    >
                      <span className="admin-switch-knob" aria-hidden="true" />
                    </button>
                  </td>
                  <td className="col-actions">
                    <button
                      type="button"
                      className="button small"
                      data-testid="alert-rule-test"
                      disabled={tested === 'testing'}
                      onClick={() => void test(rule)}
                    >
                      {tested === 'testing' ? t('admin.alerts.testing') : t('admin.alerts.test')}
                    </button>
                    <button
                      type="button"
                      className="button small"
                      data-testid="alert-rule-edit"
                      disabled={!jobs.data}
                      onClick={() => setDialog({ editing: rule })}
                    >
                      {t('admin.alerts.edit')}
                    </button>
                    <button
                      type="button"
                      className="button small danger"
                      data-testid="alert-rule-delete"
                      onClick={() => setDeleting(rule)}
                    >
                      {t('common.delete')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!rules.loading && list.length === 0 && (
          <div className="empty" data-testid="alert-rules-empty">
            {t('admin.alerts.no_rules')}
          </div>
        )}
      </div>
      <div className="panel">
        <div className="panel-title">
          {t('admin.alerts.history')}
          <span className="count">{firings.length > 0 ? `(${firings.length})` : ''}</span>
        </div>
        <table className="grid" data-testid="alert-history">
          <thead>
            <tr>
              <th className="col-time">{t('admin.alerts.fired_at')}</th>
              <th>{t('admin.alerts.rule')}</th>
              <th>{t('admin.alerts.job')}</th>
              <th>{t('admin.alerts.message')}</th>
              <th>{t('admin.alerts.results')}</th>
            </tr>
          </thead>
          <tbody>
            {firings.map((firing) => (
              <tr
                key={firing.id}
                data-testid="alert-history-row"
                data-rule-name={firing.rule_name}
                data-test={firing.test}
              >
                <td className="mono">{formatDateTime(firing.fired_at, i18n.language)}</td>
                <td>
                  {firing.rule_name}
                  {firing.test && (
                    <span className="tag admin-alert-test-tag">{t('admin.alerts.test_tag')}</span>
                  )}
                </td>
                <td>
                  {firing.job_id ? (
                    <Link href={`/jobs/${firing.job_id}`}>{firing.job_name ?? firing.job_id}</Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="admin-alert-message">{firing.message}</td>
                <td>
                  <ActionResults results={firing.results} testId="alert-history-results" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!history.loading && firings.length === 0 && (
          <div className="empty" data-testid="alert-history-empty">
            {t('admin.alerts.no_history')}
          </div>
        )}
      </div>
      {dialog && jobs.data && (
        <AlertRuleDialog
          jobs={jobs.data}
          {...(dialog.editing ? { editing: dialog.editing } : {})}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            rules.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDelete
          title={t('admin.alerts.confirm_delete_title')}
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
        >
          {t('admin.alerts.confirm_delete', { name: deleting.name })}
        </ConfirmDelete>
      )}
    </section>
  );
}
