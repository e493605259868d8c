import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeadLetterReplay, DeadLetterReplayPlan } from '../../src-shared/api/dead-letter-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner, Modal } from '../app/widgets';
import { YamlEditor } from '../yaml/yaml-editor';
import { placeName } from './place-name';

/**
 * "Replay N rows?": the config the replay runs (the rows as input, the pipeline from the place
 * they failed on), what was changed for it, and the config editable for a fix that applies to
 * this replay only.
 */
export function ReplayDialog({
  executionId,
  indexes,
  plan,
  onReplayed,
  onClose,
}: {
  executionId: string;
  indexes: number[];
  plan: DeadLetterReplayPlan;
  onReplayed: (replay: DeadLetterReplay) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [config, setConfig] = useState(plan.config_yaml);
  const [error, setError] = useState<ErrorText | null>(null);
  const [running, setRunning] = useState(false);
  const edited = config !== plan.config_yaml;

  const replay = async () => {
    setRunning(true);
    setError(null);
    try {
      onReplayed(
        await api.replayDeadLetters({
          execution_id: executionId,
          indexes,
          ...(edited ? { config_yaml: config } : {}),
        }),
      );
    } catch (failure) {
      setError(errorText(failure));
      setRunning(false);
    }
  };

  return (
    <Modal
      title={t('dead_letters.replay_title', { count: plan.rows })}
      testId="dead-letter-replay-dialog"
      onClose={onClose}
      footer={
        <>
          {edited && (
            <button type="button" className="button" onClick={() => setConfig(plan.config_yaml)}>
              {t('dead_letters.replay_reset')}
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="dead-letter-replay-confirm"
            disabled={running}
            onClick={() => void replay()}
          >
            ▶ {running ? t('dead_letters.replay_running') : t('dead_letters.replay_run')}
          </button>
        </>
      }
    >
      <p>{t('dead_letters.replay_intro', { place: placeName(plan.place, t) })}</p>
      <ol className="deadletters-steps" data-testid="dead-letter-replay-steps">
        {plan.steps.map((step) => (
          <li key={step.path} title={step.path} data-testid="dead-letter-replay-step" data-path={step.path}>
            <span className="mono">{step.type}</span>
            <span className="muted small">{step.path}</span>
          </li>
        ))}
      </ol>
      {plan.notes.length > 0 && (
        <div className="deadletters-notes" data-testid="dead-letter-replay-notes">
          <div className="small muted">{t('dead_letters.replay_notes')}</div>
          <ul>
            {plan.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="deadletters-config">
        <div className="small muted">
          {t('dead_letters.replay_config')}
          {edited && <span className="deadletters-config-edited"> · {t('dead_letters.replay_edited')}</span>}
        </div>
        <div className="deadletters-config-editor" data-testid="dead-letter-replay-config">
          <YamlEditor value={config} onChange={setConfig} problems={[]} />
        </div>
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
    </Modal>
  );
}
