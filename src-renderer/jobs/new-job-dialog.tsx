import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner, Modal } from '../app/widgets';
import { blankPipeline, withJobName } from './job-template';

const BLANK = '';

/** "New job": start from a shipped example (or a blank pipeline), name it, create it. */
export function NewJobDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t } = useTranslation();
  const examples = useAsync(() => api.listExamples({}), []);
  const [template, setTemplate] = useState(BLANK);
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);

  const chosen = examples.data?.find((example) => example.name === template) ?? null;

  const pick = (value: string) => {
    setTemplate(value);
    // Suggest the example's name until the user types their own.
    if (!nameTouched) setName(value);
  };

  const create = async () => {
    const trimmed = name.trim();
    if (!trimmed) {
      setError({ message: t('new_job.name_required'), problems: [] });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const config = chosen ? withJobName(chosen.config_yaml, trimmed) : blankPipeline(trimmed);
      const job = await api.createJob({
        name: trimmed,
        description: chosen?.description,
        config_yaml: config,
      });
      onCreated(job.id);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t('new_job.title')}
      testId="new-job-dialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form="new-job-form"
            className="button primary"
            data-testid="new-job-create"
            disabled={busy}
          >
            {t('common.create')}
          </button>
        </>
      }
    >
      <form
        id="new-job-form"
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
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
      </form>
      <ErrorBanner error={error ?? examples.error} />
    </Modal>
  );
}
