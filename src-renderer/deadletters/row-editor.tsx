import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeadLetter } from '../../src-shared/api/dead-letter-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner, Modal } from '../app/widgets';
import { draftOf, rowOf, type FieldDraft } from './row-edit';

/** A value in one line, for "was …" beside an edited field. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
}

/**
 * Edits one dead-lettered row field by field (text, and a null switch), typed by the columns'
 * recorded types; saved beside the run's file, or reverted to the row as the run wrote it.
 */
export function RowEditor({
  executionId,
  letter,
  types,
  onSaved,
  onClose,
}: {
  executionId: string;
  letter: DeadLetter;
  types: Record<string, string>;
  onSaved: (letter: DeadLetter) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const original = letter.original_row ?? letter.row;
  const columns = Object.keys(original);
  const [drafts, setDrafts] = useState<Record<string, FieldDraft>>(() =>
    Object.fromEntries(columns.map((column) => [column, draftOf(letter.row[column])])),
  );
  const [error, setError] = useState<ErrorText | null>(null);
  const [saving, setSaving] = useState(false);

  const change = (column: string, draft: Partial<FieldDraft>) =>
    setDrafts((current) => ({ ...current, [column]: { ...current[column], ...draft } }));

  const save = async (row: Record<string, unknown> | null) => {
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.updateDeadLetter({ execution_id: executionId, index: letter.index, row }));
    } catch (failure) {
      setError(errorText(failure));
      setSaving(false);
    }
  };

  const submit = () => {
    const result = rowOf(drafts, original, types);
    if ('problem' in result) {
      setError({
        message: t(`dead_letters.invalid_${result.problem}`, { column: result.column }),
        problems: [],
      });
      return;
    }
    void save(result.row);
  };

  return (
    <Modal
      title={t('dead_letters.edit_title', { index: letter.index })}
      testId="dead-letter-editor"
      onClose={onClose}
      footer={
        <>
          {letter.original_row && (
            <button
              type="button"
              className="button"
              data-testid="dead-letter-revert"
              disabled={saving}
              onClick={() => void save(null)}
            >
              {t('dead_letters.revert')}
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="dead-letter-save"
            disabled={saving}
            onClick={submit}
          >
            {saving ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <p className="muted small">{t('dead_letters.edit_hint')}</p>
      <p className="deadletters-error-line" title={letter.error}>
        <span className="mono">{letter.place}</span> {letter.error}
      </p>
      <ErrorBanner error={error} />
      <div className="deadletters-fields">
        {columns.map((column) => {
          const draft = drafts[column];
          const before = original[column];
          const changed = letter.original_row !== null && shown(letter.row[column]) !== shown(before);
          return (
            <label
              key={column}
              className="deadletters-field"
              data-testid="dead-letter-field"
              data-column={column}
            >
              <span className="deadletters-field-name">
                <span className="mono">{column}</span>
                {types[column] && <span className="muted small">{types[column]}</span>}
              </span>
              <input
                className="mono"
                data-testid="dead-letter-field-input"
                value={draft.text}
                placeholder={draft.isNull ? t('dead_letters.null') : ''}
                onChange={(event) => change(column, { text: event.target.value, isNull: false })}
              />
              <span className="deadletters-null-switch">
                <input
                  type="checkbox"
                  data-testid="dead-letter-field-null"
                  checked={draft.isNull}
                  onChange={(event) => change(column, { isNull: event.target.checked })}
                />
                {t('dead_letters.null')}
              </span>
              {changed && (
                <span className="muted small deadletters-was">
                  {t('dead_letters.was', { value: shown(before) })}
                </span>
              )}
            </label>
          );
        })}
      </div>
    </Modal>
  );
}
