import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { SettingsState } from '../../src-shared/api/settings-model';
import { api } from '../api/client';
import { errorText, problemLine, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { formOf, formProblems, patchOf, type SettingsField, type SettingsForm } from './settings-form';

/*
 * The Settings page (`#/settings`): the studio's own settings, applied at once when saved. The
 * same values live in `settings.yaml` in the data dir; an edit there shows here after a reload,
 * and a bad one is shown with its place while the last good values stay in force.
 */

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function Field({
  label,
  help,
  problem,
  children,
}: {
  label: string;
  help: string;
  problem: string | null;
  children: ReactNode;
}) {
  return (
    <label className={problem ? 'field invalid' : 'field'}>
      <span>{label}</span>
      {children}
      {problem ? (
        <span className="field-problem">{problem}</span>
      ) : (
        <span className="field-help">{help}</span>
      )}
    </label>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const loaded = useAsync(() => api.getSettings({}), []);
  const [state, setState] = useState<SettingsState | null>(null);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);

  useEffect(() => {
    if (!loaded.data) return;
    setState(loaded.data);
    setForm(formOf(loaded.data.values));
  }, [loaded.data]);

  if (!state || !form) {
    return (
      <section className="page" data-testid="settings-page">
        <h1>{t('admin.settings.title')}</h1>
        <ErrorBanner error={loaded.error} />
        {!loaded.error && <div className="muted">{t('common.loading')}</div>}
      </section>
    );
  }

  const problems = formProblems(form);
  const patch = patchOf(state.values, form);
  const dirty = Object.keys(patch).length > 0;
  const problemText = (field: SettingsField) =>
    problems[field] === 'integer'
      ? t('admin.settings.problem_integer')
      : problems[field] === 'url'
        ? t('admin.settings.problem_url')
        : null;
  const change = (field: SettingsField, value: string) => {
    setSaved(false);
    setForm({ ...form, [field]: value });
  };
  const number = (field: SettingsField, testId: string) => (
    <input
      type="number"
      min={1}
      step={1}
      inputMode="numeric"
      data-testid={testId}
      value={form[field]}
      onChange={(event) => change(field, event.target.value)}
    />
  );

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const next = await api.updateSettings({ patch });
      setState(next);
      setForm(formOf(next.values));
      setSaved(true);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setSaving(false);
    }
  };

  const { defaults } = state;
  return (
    <section className="page admin-settings" data-testid="settings-page">
      <div className="page-header">
        <h1>{t('admin.settings.title')}</h1>
      </div>
      <p className="muted">
        {t('admin.settings.intro')} <code className="mono">{state.file_path}</code>
      </p>
      {state.file_problems.length > 0 && (
        <div className="error-banner" role="alert" data-testid="settings-file-problems">
          <strong>{t('admin.settings.file_problems')}</strong>
          <ul className="problem-lines">
            {state.file_problems.map((problem) => (
              <li key={problemLine(problem)}>{problemLine(problem)}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <form
        className="admin-settings-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (dirty && Object.keys(problems).length === 0) void save();
        }}
      >
        <div className="panel">
          <div className="panel-title">{t('admin.settings.section_general')}</div>
          <div className="admin-settings-fields">
            <Field
              label={t('admin.settings.log_level')}
              help={t('admin.settings.log_level_help', { value: defaults.log_level })}
              problem={null}
            >
              <select
                data-testid="settings-log-level"
                value={form.log_level}
                onChange={(event) =>
                  change(
                    'log_level',
                    LOG_LEVELS.find((level) => level === event.target.value) ?? form.log_level,
                  )
                }
              >
                {LOG_LEVELS.map((level) => (
                  <option key={level} value={level}>
                    {t(`admin.settings.level_${level}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label={t('admin.settings.max_concurrent_jobs')}
              help={t('admin.settings.max_concurrent_jobs_help', {
                value: defaults.worker.max_concurrent_jobs,
              })}
              problem={problemText('max_concurrent_jobs')}
            >
              {number('max_concurrent_jobs', 'settings-max-jobs')}
            </Field>
          </div>
        </div>
        <div className="panel">
          <div className="panel-title">{t('admin.settings.section_retention')}</div>
          <div className="admin-settings-fields">
            <Field
              label={t('admin.settings.executions_days')}
              help={t('admin.settings.executions_days_help', { value: defaults.retention.executions_days })}
              problem={problemText('executions_days')}
            >
              {number('executions_days', 'settings-executions-days')}
            </Field>
            <Field
              label={t('admin.settings.audit_days')}
              help={t('admin.settings.audit_days_help', { value: defaults.retention.audit_days })}
              problem={problemText('audit_days')}
            >
              {number('audit_days', 'settings-audit-days')}
            </Field>
            <Field
              label={t('admin.settings.logs_days')}
              help={t('admin.settings.logs_days_help', { value: defaults.retention.logs_days })}
              problem={problemText('logs_days')}
            >
              {number('logs_days', 'settings-logs-days')}
            </Field>
          </div>
        </div>
        <div className="panel">
          <div className="panel-title">{t('admin.settings.section_telemetry')}</div>
          <div className="admin-settings-fields">
            <Field
              label={t('admin.settings.otlp_endpoint')}
              help={t('admin.settings.otlp_endpoint_help')}
              problem={problemText('otlp_endpoint')}
            >
              <input
                type="url"
                data-testid="settings-otlp"
                placeholder="http://127.0.0.1:4318"
                value={form.otlp_endpoint}
                onChange={(event) => change('otlp_endpoint', event.target.value)}
              />
            </Field>
          </div>
        </div>
        <div className="panel">
          <div className="panel-title">{t('admin.settings.section_plugins')}</div>
          <div className="admin-settings-plugins" data-testid="settings-plugins">
            {t('admin.settings.plugins_enabled', {
              enabled: state.plugins.enabled,
              total: state.plugins.total,
            })}{' '}
            <Link href="/plugins" data-testid="settings-plugins-link">
              {t('admin.settings.plugins_link')}
            </Link>
          </div>
        </div>
        <div className="admin-settings-actions">
          <button
            type="submit"
            className="button primary"
            data-testid="settings-save"
            disabled={!dirty || saving || Object.keys(problems).length > 0}
          >
            {saving ? t('common.saving') : t('common.save')}
          </button>
          <button
            type="button"
            className="button"
            data-testid="settings-revert"
            disabled={!dirty || saving}
            onClick={() => setForm(formOf(state.values))}
          >
            {t('admin.settings.revert')}
          </button>
          {saved && !dirty && (
            <span className="admin-settings-saved" data-testid="settings-saved" role="status">
              ✓ {t('admin.settings.saved')}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
