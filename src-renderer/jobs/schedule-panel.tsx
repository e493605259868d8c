import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Job } from '../../src-shared/api/model';
import type { JobSchedule } from '../../src-shared/api/schedule-model';
import { scheduleSettingsOf, type ScheduleSettings } from '../../src-shared/config/schedule-settings';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { SchedulePreview, timeZones } from './new-job-wizard';
import { hasJobField, withJobField, yamlParses, type JobFieldPath } from './schedule-edits';

/*
 * The job's schedule panel: when it runs (cron and time zone, with the next 5 run times as it is
 * typed), what else starts it (webhook, a file in a folder), the jobs it runs after and before, and
 * the missed-run and overlap policies. Every edit writes the `job` section of the YAML being
 * edited; what the scheduler knows (the webhook URL, the watched folder, the last fire, the jobs
 * that run after this one) comes from the saved job.
 */

/** A text field over a config value: typing keeps spaces as typed, the config gets the trimmed text. */
function ConfigText({
  value,
  onCommit,
  testId,
  placeholder,
  disabled,
}: {
  value: string;
  onCommit: (text: string) => void;
  testId: string;
  placeholder?: string;
  disabled?: boolean;
}) {
  const [text, setText] = useState(value);
  // The config changed elsewhere (the YAML editor, the designer): show what it says now.
  useEffect(() => {
    setText((current) => (current.trim() === value ? current : value));
  }, [value]);
  return (
    <input
      className="mono"
      data-testid={testId}
      value={text}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(event) => {
        setText(event.target.value);
        onCommit(event.target.value.trim());
      }}
    />
  );
}

function JobLinkChip({
  name,
  jobId,
  onRemove,
}: {
  name: string;
  jobId: string | null;
  onRemove?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <span className="chip schedule-chip" data-testid="schedule-job-link" data-job={name}>
      {jobId ? (
        <Link href={`/jobs/${jobId}`}>{name}</Link>
      ) : (
        <span className="schedule-unknown" title={t('schedule_panel.upstream_unknown')}>
          {name} ⚠
        </span>
      )}
      {onRemove && (
        <button
          type="button"
          className="chip-remove"
          aria-label={t('schedule_panel.remove', { name })}
          onClick={onRemove}
        >
          ×
        </button>
      )}
    </span>
  );
}

function WebhookUrl({ schedule, onRegenerate }: { schedule: JobSchedule; onRegenerate: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const path = schedule.webhook.url_path;
  if (!path) return <p className="muted small">{t('schedule_panel.webhook_save')}</p>;
  // Served over HTTP the page knows the server's address; in the desktop app the path is what there is.
  const served = window.location.protocol === 'http:' || window.location.protocol === 'https:';
  const url = served ? `${window.location.origin}${path}` : path;
  const copy = async () => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className="field schedule-webhook">
      <span>{t('schedule_panel.webhook_url')}</span>
      <div className="schedule-row">
        <input className="mono" readOnly value={url} data-testid="schedule-webhook-url" />
        <button
          type="button"
          className="button small"
          data-testid="schedule-webhook-copy"
          onClick={() => void copy()}
        >
          {copied ? `✓ ${t('schedule_panel.copied')}` : t('schedule_panel.copy')}
        </button>
        <button
          type="button"
          className="button small"
          data-testid="schedule-webhook-regenerate"
          onClick={() => {
            if (window.confirm(t('schedule_panel.regenerate_confirm'))) onRegenerate();
          }}
        >
          {t('schedule_panel.regenerate')}
        </button>
      </div>
      {!served && <span className="muted small">{t('schedule_panel.webhook_served')}</span>}
      <span className="muted small mono">{t('schedule_panel.webhook_example')}</span>
    </div>
  );
}

/**
 * The schedule panel of a job. `yaml` is the config being edited (default: the saved one);
 * `onConfigChange` receives it with one `job` field changed.
 */
export function SchedulePanel({
  job,
  yaml,
  onConfigChange,
}: {
  job: Job;
  yaml?: string;
  onConfigChange: (yaml: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const draft = yaml ?? job.config_yaml;
  const editable = yamlParses(draft);
  const settings: ScheduleSettings = useMemo(() => scheduleSettingsOf(draft), [draft]);
  const saved = useMemo(() => scheduleSettingsOf(job.config_yaml), [job.config_yaml]);
  const unsaved = JSON.stringify(settings) !== JSON.stringify(saved);
  const loaded = useAsync(() => api.getJobSchedule({ id: job.id }), [job.id, job.updated_at, job.enabled]);
  const others = useAsync(() => api.listJobs({}), [job.id]);
  // Chromium's list of zones leaves out UTC, which servers are often set to.
  const zones = useMemo(() => ['UTC', ...timeZones().filter((name) => name !== 'UTC')], []);
  const [override, setOverride] = useState<JobSchedule | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  // A regenerated token answers with the new schedule; the next load replaces it.
  const schedule = override ?? loaded.data;
  useEffect(() => setOverride(null), [loaded.data]);

  const edit = (path: JobFieldPath, value: unknown) => onConfigChange(withJobField(draft, path, value));
  const serverZone = schedule?.effective_timezone && !schedule.timezone ? schedule.effective_timezone : null;
  const zone = settings.timezone ?? serverZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const time = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(
      new Date(iso),
    );
  const fileOn = hasJobField(draft, ['triggers', 'file']);
  const scheduled = hasJobField(draft, ['schedule']);

  const regenerate = async () => {
    try {
      setOverride(await api.regenerateWebhookToken({ id: job.id }));
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const addable = (others.data ?? [])
    .map((other) => other.name)
    .filter((name) => name !== job.name && !settings.after.includes(name));
  const idOf = (name: string) => others.data?.find((other) => other.name === name)?.id ?? null;

  return (
    <section className="panel schedule-panel" data-testid="schedule-panel">
      <div className="panel-title">{t('schedule_panel.title')}</div>
      <div className="schedule-body">
        <ErrorBanner error={error ?? loaded.error} onClose={() => setError(null)} />
        {!editable && <p className="text-danger small">{t('schedule_panel.yaml_invalid')}</p>}
        {!job.enabled && (
          <p className="muted small" data-testid="schedule-disabled">
            {t('schedule_panel.disabled')}
          </p>
        )}
        {unsaved && (
          <p className="schedule-unsaved small" data-testid="schedule-unsaved">
            {t('schedule_panel.unsaved')}
          </p>
        )}

        <fieldset className="schedule-group" disabled={!editable}>
          <legend>{t('schedule_panel.when')}</legend>
          <div className="radio-row">
            <label>
              <input
                type="radio"
                name={`schedule-${job.id}`}
                data-testid="schedule-manual"
                checked={!scheduled}
                onChange={() =>
                  onConfigChange(
                    withJobField(withJobField(draft, ['schedule'], undefined), ['timezone'], undefined),
                  )
                }
              />
              {t('schedule_panel.manual')}
            </label>
            <label>
              <input
                type="radio"
                name={`schedule-${job.id}`}
                data-testid="schedule-cron"
                checked={scheduled}
                onChange={() => edit(['schedule'], '0 2 * * *')}
              />
              {t('schedule_panel.scheduled')}
            </label>
          </div>
          {scheduled && (
            <div className="schedule-grid">
              <label className="field">
                <span>{t('schedule_panel.cron')}</span>
                <ConfigText
                  value={settings.schedule ?? ''}
                  onCommit={(text) => edit(['schedule'], text === '' ? '0 2 * * *' : text)}
                  testId="schedule-expression"
                />
                <span className="muted small">{t('schedule_panel.cron_help')}</span>
              </label>
              <label className="field">
                <span>{t('schedule_panel.timezone')}</span>
                <select
                  data-testid="schedule-timezone"
                  value={settings.timezone ?? ''}
                  onChange={(event) => edit(['timezone'], event.target.value || undefined)}
                >
                  <option value="">
                    {t('schedule_panel.timezone_default', { zone: serverZone ?? zone })}
                  </option>
                  {settings.timezone && !zones.includes(settings.timezone) && (
                    <option value={settings.timezone}>{settings.timezone}</option>
                  )}
                  {zones.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              </label>
              <div className="schedule-preview" data-testid="schedule-next-runs">
                {settings.schedule && <SchedulePreview schedule={settings.schedule} timezone={zone} />}
                <div className="muted small" data-testid="schedule-last-fire">
                  {schedule?.last_fire_at
                    ? t('schedule_panel.last_fire', { time: time(schedule.last_fire_at) })
                    : t('schedule_panel.never_fired')}
                </div>
              </div>
            </div>
          )}
          <div className="schedule-grid">
            <label className="field">
              <span>{t('schedule_panel.missed')}</span>
              <select
                data-testid="schedule-missed"
                value={settings.missed}
                onChange={(event) =>
                  edit(['missed'], event.target.value === 'skip' ? undefined : event.target.value)
                }
              >
                <option value="skip">{t('schedule_panel.missed_skip')}</option>
                <option value="run_once">{t('schedule_panel.missed_run_once')}</option>
              </select>
            </label>
            <label className="field">
              <span>{t('schedule_panel.overlap')}</span>
              <select
                data-testid="schedule-overlap"
                value={settings.overlap}
                onChange={(event) =>
                  edit(['overlap'], event.target.value === 'skip' ? undefined : event.target.value)
                }
              >
                <option value="skip">{t('schedule_panel.overlap_skip')}</option>
                <option value="queue">{t('schedule_panel.overlap_queue')}</option>
              </select>
            </label>
          </div>
        </fieldset>

        <fieldset className="schedule-group" disabled={!editable}>
          <legend>{t('schedule_panel.triggers')}</legend>
          <label className="field inline">
            <input
              type="checkbox"
              data-testid="schedule-webhook"
              checked={settings.webhook}
              onChange={(event) => edit(['triggers', 'webhook'], event.target.checked)}
            />
            {t('schedule_panel.webhook')}
          </label>
          {settings.webhook && schedule && (
            <WebhookUrl
              schedule={
                saved.webhook ? schedule : { ...schedule, webhook: { enabled: false, url_path: null } }
              }
              onRegenerate={() => void regenerate()}
            />
          )}
          <label className="field inline">
            <input
              type="checkbox"
              data-testid="schedule-file"
              checked={fileOn}
              onChange={(event) =>
                edit(
                  ['triggers', 'file'],
                  event.target.checked ? { path: 'inbox', pattern: '*.csv' } : undefined,
                )
              }
            />
            {t('schedule_panel.file')}
          </label>
          {fileOn && (
            <div className="schedule-grid">
              <label className="field">
                <span>{t('schedule_panel.file_path')}</span>
                <ConfigText
                  value={settings.file?.path ?? ''}
                  testId="schedule-file-path"
                  onCommit={(path) =>
                    edit(['triggers', 'file'], {
                      path,
                      ...(settings.file?.pattern ? { pattern: settings.file.pattern } : {}),
                    })
                  }
                />
                <span className="muted small">{t('schedule_panel.file_path_help')}</span>
              </label>
              <label className="field">
                <span>{t('schedule_panel.file_pattern')}</span>
                <ConfigText
                  value={settings.file?.pattern ?? ''}
                  testId="schedule-file-pattern"
                  placeholder="*.csv"
                  onCommit={(pattern) =>
                    edit(['triggers', 'file'], {
                      path: settings.file?.path ?? '',
                      ...(pattern ? { pattern } : {}),
                    })
                  }
                />
                <span className="muted small">{t('schedule_panel.file_pattern_help')}</span>
              </label>
              {schedule?.file_trigger && !unsaved && (
                <div className="muted small schedule-watched" data-testid="schedule-watched">
                  <div className="mono">
                    {t('schedule_panel.watched', { folder: schedule.file_trigger.folder })}
                  </div>
                  {schedule.file_trigger.last_file && schedule.file_trigger.last_file_at && (
                    <div className="mono">
                      {t('schedule_panel.last_file', {
                        file: schedule.file_trigger.last_file,
                        time: time(schedule.file_trigger.last_file_at),
                      })}
                    </div>
                  )}
                </div>
              )}
            </div>
          )}
        </fieldset>

        <fieldset className="schedule-group" disabled={!editable}>
          <legend>{t('schedule_panel.dependencies')}</legend>
          <div className="field">
            <span>{t('schedule_panel.upstream')}</span>
            <div className="schedule-row" data-testid="schedule-upstream">
              {settings.after.length === 0 && (
                <span className="muted small">{t('schedule_panel.upstream_none')}</span>
              )}
              {settings.after.map((name) => (
                <JobLinkChip
                  key={name}
                  name={name}
                  jobId={idOf(name)}
                  onRemove={() =>
                    edit(
                      ['after'],
                      settings.after.filter((other) => other !== name),
                    )
                  }
                />
              ))}
              {addable.length > 0 && (
                <select
                  data-testid="schedule-upstream-add"
                  value=""
                  onChange={(event) => {
                    if (event.target.value) edit(['after'], [...settings.after, event.target.value]);
                  }}
                >
                  <option value="">{t('schedule_panel.upstream_add')}</option>
                  {addable.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              )}
            </div>
            <span className="muted small">{t('schedule_panel.upstream_help')}</span>
          </div>
          <div className="field">
            <span>{t('schedule_panel.downstream')}</span>
            <div className="schedule-row" data-testid="schedule-downstream">
              {schedule && schedule.downstream.length === 0 && (
                <span className="muted small">{t('schedule_panel.downstream_none')}</span>
              )}
              {schedule?.downstream.map((link) => (
                <JobLinkChip key={link.name} name={link.name} jobId={link.job_id} />
              ))}
            </div>
          </div>
        </fieldset>
      </div>
    </section>
  );
}
