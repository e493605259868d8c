import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConfigProblem } from '../../src-shared/api/model';
import type { StepPreviewResult } from '../../src-shared/api/step-preview-model';
import { cronProblem, nextRuns } from '../../src-shared/config/schedule';
import { api } from '../api/client';
import { errorText, problemLine, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { DataGrid } from '../preview/data-grid';
import { stepViewOf } from '../preview/step-view';
import { blankPipeline, withJobName, withJobSettings } from './job-template';

/*
 * The new-job wizard: basic info → design (canvas or YAML) → schedule → validate and preview →
 * save. Every step can be left early: "Create job" saves what is there, as the quick way.
 */

const STEPS = ['basics', 'design', 'schedule', 'check'] as const;
type Step = (typeof STEPS)[number];

const BLANK = '';

/** What the design step renders: the designer over the draft YAML. */
export type RenderDesigner = (props: { yaml: string; onChange: (yaml: string) => void }) => ReactNode;

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function timeZones(): string[] {
  const list = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone');
  return list && list.length > 0 ? list : [machineTimeZone(), 'UTC'];
}

/** The next run times of a schedule, or why there are none (also shown by the job's schedule panel). */
export function SchedulePreview({ schedule, timezone }: { schedule: string; timezone: string }) {
  const { t, i18n } = useTranslation();
  const problem = cronProblem(schedule);
  if (problem)
    return (
      <p className="text-danger small" data-testid="wizard-cron-error">
        {problem}
      </p>
    );
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: timezone,
  });
  return (
    <div data-testid="wizard-next-runs">
      <div className="muted small">{t('wizard.next_runs', { zone: timezone })}</div>
      <ol className="next-runs">
        {nextRuns(schedule, timezone, 5).map((time) => (
          <li key={time.toISOString()}>{format.format(time)}</li>
        ))}
      </ol>
    </div>
  );
}

/** The new-job wizard page; `renderDesigner` draws the design step. */
export function NewJobWizard({
  renderDesigner,
  onCreated,
  onCancel,
}: {
  renderDesigner: RenderDesigner;
  onCreated: (id: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const examples = useAsync(() => api.listExamples({}), []);
  const [step, setStep] = useState<Step>('basics');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [template, setTemplate] = useState(BLANK);
  const [jobType, setJobType] = useState<'ETL' | 'ELT'>('ETL');
  // The design as edited; null until the design step first shows the template.
  const [design, setDesign] = useState<string | null>(null);
  const [scheduled, setScheduled] = useState(false);
  const [schedule, setSchedule] = useState('0 2 * * *');
  const [timezone, setTimezone] = useState(machineTimeZone);
  const [problems, setProblems] = useState<ConfigProblem[] | null>(null);
  const [preview, setPreview] = useState<StepPreviewResult | null>(null);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const zones = useMemo(timeZones, []);

  const chosen = examples.data?.find((example) => example.name === template) ?? null;
  const trimmed = name.trim();
  const templateYaml = chosen
    ? withJobName(chosen.config_yaml, trimmed || chosen.name)
    : blankPipeline(trimmed || 'job');
  /** The YAML the job is created with: the design, with the job section from the other steps. */
  const yaml = withJobSettings(design ?? templateYaml, {
    name: trimmed,
    description: description.trim() || chosen?.description,
    type: jobType,
    ...(scheduled ? { schedule, timezone } : { schedule: '' }),
  });

  const pick = (value: string) => {
    setTemplate(value);
    setDesign(null);
    if (!nameTouched) setName(value);
  };

  const go = (next: Step) => {
    if (next !== 'basics' && !trimmed) {
      setError({ message: t('new_job.name_required'), problems: [] });
      return;
    }
    setError(null);
    if (next === 'design' && design === null) setDesign(templateYaml);
    setStep(next);
    if (next === 'check') void check();
  };

  const check = async () => {
    setChecking(true);
    setPreview(null);
    try {
      const validated = await api.validateConfig({ config_yaml: yaml, file_name: `${trimmed}.yaml` });
      setProblems(validated.problems);
      if (validated.problems.length === 0)
        setPreview(await api.previewSteps({ config_yaml: yaml, limit: 100 }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setChecking(false);
    }
  };

  const create = async () => {
    if (!trimmed) {
      setError({ message: t('new_job.name_required'), problems: [] });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const job = await api.createJob({
        name: trimmed,
        description: description.trim() || chosen?.description,
        config_yaml: yaml,
      });
      onCreated(job.id);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };

  const index = STEPS.indexOf(step);
  const output = preview ? stepViewOf(preview, 'output') : null;

  return (
    <section className="page wizard-page" data-testid="new-job-wizard">
      <div className="page-header">
        <h1>{t('new_job.title')}</h1>
        <ol className="wizard-steps" data-testid="wizard-steps">
          {STEPS.map((item, i) => (
            <li key={item} className={item === step ? 'current' : i < index ? 'done' : ''}>
              <button
                type="button"
                className="link-button"
                onClick={() => go(item)}
                data-testid={`wizard-step-${item}`}
              >
                {i + 1}. {t(`wizard.step_${item}`)}
              </button>
            </li>
          ))}
        </ol>
      </div>
      <ErrorBanner error={error ?? examples.error} onClose={() => setError(null)} />

      {step === 'basics' && (
        <form
          className="form panel wizard-body"
          id="new-job-form"
          onSubmit={(event) => {
            event.preventDefault();
            go('design');
          }}
        >
          <label className="field">
            <span>{t('new_job.name')}</span>
            <input
              data-testid="new-job-name"
              value={name}
              placeholder={t('new_job.name_placeholder')}
              autoFocus
              onChange={(event) => {
                setName(event.target.value);
                setNameTouched(true);
              }}
            />
          </label>
          <label className="field">
            <span>{t('wizard.description')}</span>
            <input
              data-testid="new-job-description"
              value={description}
              placeholder={chosen?.description ?? ''}
              onChange={(event) => setDescription(event.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('new_job.template')}</span>
            <select
              data-testid="new-job-template"
              value={template}
              onChange={(event) => pick(event.target.value)}
            >
              <option value={BLANK}>{t('new_job.blank')}</option>
              {(examples.data ?? []).map((example) => (
                <option key={example.name} value={example.name}>
                  {example.title || example.name}
                </option>
              ))}
            </select>
          </label>
          {chosen && <p className="muted small">{chosen.description}</p>}
          <fieldset className="field radio-row">
            <span>{t('wizard.job_type')}</span>
            {(['ETL', 'ELT'] as const).map((type) => (
              <label key={type}>
                <input
                  type="radio"
                  name="job-type"
                  data-testid={`wizard-type-${type}`}
                  checked={jobType === type}
                  onChange={() => setJobType(type)}
                />
                {type} <span className="muted small">{t(`wizard.type_${type}`)}</span>
              </label>
            ))}
          </fieldset>
        </form>
      )}

      {step === 'design' && design !== null && (
        <div className="wizard-design" data-testid="wizard-design">
          {renderDesigner({ yaml: design, onChange: setDesign })}
        </div>
      )}

      {step === 'schedule' && (
        <div className="form panel wizard-body" data-testid="wizard-schedule">
          <fieldset className="field radio-row">
            <span>{t('wizard.when')}</span>
            <label>
              <input
                type="radio"
                name="schedule"
                data-testid="wizard-manual"
                checked={!scheduled}
                onChange={() => setScheduled(false)}
              />
              {t('wizard.manual')}
            </label>
            <label>
              <input
                type="radio"
                name="schedule"
                data-testid="wizard-cron"
                checked={scheduled}
                onChange={() => setScheduled(true)}
              />
              {t('wizard.cron')}
            </label>
          </fieldset>
          {scheduled && (
            <>
              <label className="field">
                <span>{t('wizard.cron_expression')}</span>
                <input
                  className="mono"
                  data-testid="wizard-cron-expression"
                  value={schedule}
                  onChange={(event) => setSchedule(event.target.value)}
                />
                <span className="muted small">{t('wizard.cron_help')}</span>
              </label>
              <label className="field">
                <span>{t('wizard.timezone')}</span>
                <select
                  data-testid="wizard-timezone"
                  value={timezone}
                  onChange={(event) => setTimezone(event.target.value)}
                >
                  {zones.map((zone) => (
                    <option key={zone} value={zone}>
                      {zone}
                    </option>
                  ))}
                </select>
              </label>
              <SchedulePreview schedule={schedule} timezone={timezone} />
            </>
          )}
        </div>
      )}

      {step === 'check' && (
        <div className="panel wizard-body" data-testid="wizard-check">
          {checking && <div className="muted">{t('wizard.checking')}</div>}
          {problems && problems.length === 0 && (
            <div className="valid-note" data-testid="wizard-valid">
              ✓ {t('job.valid')}
            </div>
          )}
          {problems && problems.length > 0 && (
            <ul className="problem-list" data-testid="wizard-problems">
              {problems.map((problem, i) => (
                <li key={`${problem.path}:${i}`} className="mono">
                  {problemLine(problem)}
                </li>
              ))}
            </ul>
          )}
          {output && (
            <>
              <div className="muted small" data-testid="wizard-preview-note">
                {t('wizard.preview_note', { count: output.rows.length })}
              </div>
              <DataGrid
                columns={output.columns}
                rows={output.rows}
                height={320}
                testId="wizard-preview-grid"
              />
            </>
          )}
        </div>
      )}

      <div className="wizard-footer">
        <button type="button" className="button" data-testid="wizard-cancel" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <span className="spacer" />
        {index > 0 && (
          <button
            type="button"
            className="button"
            data-testid="wizard-back"
            onClick={() => go(STEPS[index - 1])}
          >
            {t('wizard.back')}
          </button>
        )}
        {index < STEPS.length - 1 && (
          <button
            type="button"
            className="button"
            data-testid="wizard-next"
            onClick={() => go(STEPS[index + 1])}
          >
            {t('wizard.next')}
          </button>
        )}
        <button
          type="button"
          className="button primary"
          data-testid="new-job-create"
          disabled={busy}
          onClick={() => void create()}
        >
          {t('wizard.create')}
        </button>
      </div>
    </section>
  );
}
