import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertRule } from '../../src-shared/api/alert-model';
import type { JobSummary } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner, Modal } from '../app/widgets';
import {
  ALERT_KINDS,
  alertFormProblems,
  formOfRule,
  NEW_ALERT_FORM,
  ruleInputOf,
  type AlertForm,
  type AlertFormProblem,
} from './alert-form';

/** Create or edit an alert rule: when it fires (job, condition) and what it does (actions). */
export function AlertRuleDialog({
  editing,
  jobs,
  onClose,
  onSaved,
}: {
  editing?: AlertRule;
  jobs: JobSummary[];
  onClose: () => void;
  onSaved: (rule: AlertRule) => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<AlertForm>(() => (editing ? formOfRule(editing) : NEW_ALERT_FORM));
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const problems = alertFormProblems(form);
  const shown = (problem: AlertFormProblem) => (touched || problem !== 'name') && problems.includes(problem);
  const set = <K extends keyof AlertForm>(key: K, value: AlertForm[K]) => setForm({ ...form, [key]: value });

  const save = async () => {
    setTouched(true);
    if (problems.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.saveAlertRule(ruleInputOf(form, editing?.id)));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const numberField = (key: 'percent' | 'rows_per_second' | 'minutes', label: string, testId: string) => (
    <label className={shown(key) ? 'field invalid' : 'field'}>
      <span>
        {label}
        <span className="required-mark"> *</span>
      </span>
      <input
        type="number"
        min={0}
        step="any"
        data-testid={testId}
        value={form[key]}
        onChange={(event) => set(key, event.target.value)}
      />
      {shown(key) && <span className="field-problem">{t('admin.alerts.problem_positive')}</span>}
    </label>
  );

  return (
    <Modal
      title={editing ? t('admin.alerts.edit_title', { name: editing.name }) : t('admin.alerts.new_rule')}
      testId="alert-dialog"
      onClose={onClose}
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form="alert-rule-form"
            className="button primary"
            data-testid="alert-save"
            disabled={busy}
          >
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form
        id="alert-rule-form"
        className="form"
        autoComplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label className={shown('name') ? 'field invalid' : 'field'}>
          <span>
            {t('admin.alerts.name')}
            <span className="required-mark"> *</span>
          </span>
          <input
            data-testid="alert-name"
            value={form.name}
            autoFocus
            placeholder={t('admin.alerts.name_placeholder')}
            onChange={(event) => set('name', event.target.value)}
          />
          {shown('name') && <span className="field-problem">{t('admin.alerts.problem_name')}</span>}
        </label>
        <label className="field inline">
          <input
            type="checkbox"
            data-testid="alert-enabled"
            checked={form.enabled}
            onChange={(event) => set('enabled', event.target.checked)}
          />
          <span>{t('admin.alerts.enabled')}</span>
        </label>
        <label className="field">
          <span>{t('admin.alerts.scope')}</span>
          <select
            data-testid="alert-job"
            value={form.job_id}
            onChange={(event) => set('job_id', event.target.value)}
          >
            <option value="">{t('admin.alerts.all_jobs')}</option>
            {jobs.map((job) => (
              <option key={job.id} value={job.id}>
                {job.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.alerts.condition')}</span>
          <select
            data-testid="alert-kind"
            value={form.kind}
            onChange={(event) =>
              set('kind', ALERT_KINDS.find((kind) => kind === event.target.value) ?? form.kind)
            }
          >
            {ALERT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`admin.alerts.kind_${kind}`)}
              </option>
            ))}
          </select>
          <span className="field-help">{t(`admin.alerts.kind_${form.kind}_help`)}</span>
        </label>
        {form.kind === 'error_rate_above' &&
          numberField('percent', t('admin.alerts.percent'), 'alert-percent')}
        {form.kind === 'throughput_below' && (
          <div className="admin-alert-pair">
            {numberField('rows_per_second', t('admin.alerts.rows_per_second'), 'alert-rows')}
            {numberField('minutes', t('admin.alerts.for_minutes'), 'alert-minutes')}
          </div>
        )}
        {form.kind === 'run_longer_than' &&
          numberField('minutes', t('admin.alerts.minutes'), 'alert-minutes')}
        <fieldset className={shown('actions') ? 'admin-alert-actions invalid' : 'admin-alert-actions'}>
          <legend>{t('admin.alerts.actions')}</legend>
          <label className="field inline">
            <input
              type="checkbox"
              data-testid="alert-action-desktop"
              checked={form.desktop}
              onChange={(event) => set('desktop', event.target.checked)}
            />
            <span>{t('admin.alerts.action_desktop')}</span>
          </label>
          <label className="field inline">
            <input
              type="checkbox"
              data-testid="alert-action-webhook"
              checked={form.webhook}
              onChange={(event) => set('webhook', event.target.checked)}
            />
            <span>{t('admin.alerts.action_webhook')}</span>
          </label>
          {form.webhook && (
            <label className={shown('webhook_url') ? 'field invalid' : 'field'}>
              <input
                type="url"
                data-testid="alert-webhook-url"
                placeholder="https://hooks.example.com/fustgo"
                value={form.webhook_url}
                onChange={(event) => set('webhook_url', event.target.value)}
              />
              {shown('webhook_url') ? (
                <span className="field-problem">{t('admin.alerts.problem_url')}</span>
              ) : (
                <span className="field-help">{t('admin.alerts.webhook_help')}</span>
              )}
            </label>
          )}
          <label className="field inline">
            <input
              type="checkbox"
              data-testid="alert-action-log"
              checked={form.log}
              onChange={(event) => set('log', event.target.checked)}
            />
            <span>{t('admin.alerts.action_log')}</span>
          </label>
          {shown('actions') && <span className="field-problem">{t('admin.alerts.problem_actions')}</span>}
        </fieldset>
      </form>
      <div className="dialog-outcome">
        <ErrorBanner error={error} />
      </div>
    </Modal>
  );
}
