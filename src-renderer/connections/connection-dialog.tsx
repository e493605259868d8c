import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Connection, ConnectionTestResult, ConnectionType } from '../../src-shared/api/connection-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner, Modal } from '../app/widgets';
import { formIsValid, SchemaForm } from '../forms/schema-form';
import { configToValues, formFields, valuesToConfig, type FormValues } from '../forms/schema-form-model';

/** The outcome of a connection test, as a line under the form or in a row. */
export function TestResult({ result, testId }: { result: ConnectionTestResult | null; testId: string }) {
  if (!result) return null;
  return (
    <div
      className={result.ok ? 'test-result ok' : 'test-result failed'}
      data-testid={testId}
      data-ok={result.ok}
    >
      {result.ok ? '✓' : '✗'} {result.message} <span className="muted">({result.duration_ms} ms)</span>
    </div>
  );
}

/** Create or edit a saved connection: fields from the connector's schema, a test before saving. */
export function ConnectionDialog({
  types,
  editing,
  onClose,
  onSaved,
}: {
  types: ConnectionType[];
  /** The connection being edited; absent for a new one. */
  editing?: Connection;
  onClose: () => void;
  onSaved: (connection: Connection) => void;
}) {
  const { t } = useTranslation();
  const [type, setType] = useState(editing?.type ?? types[0]?.type ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const kind = types.find((candidate) => candidate.type === type);
  const fields = useMemo(() => (kind ? formFields(kind.schema, kind.secret_fields) : []), [kind]);
  const [values, setValues] = useState<FormValues>(() =>
    editing ? configToValues(fields, editing.config) : {},
  );
  const [clearSecrets, setClearSecrets] = useState(false);
  const [tested, setTested] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const savedSecrets = clearSecrets ? [] : (editing?.secrets_set ?? []);

  /** The config to send: secrets left empty keep the saved ones, unless the user clears them. */
  const config = () => {
    const typed = valuesToConfig(fields, values);
    if (clearSecrets) for (const secret of kind?.secret_fields ?? []) typed[secret] ??= '';
    return typed;
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const test = () =>
    run(async () => {
      setTested(null);
      setTested(await api.testConnection({ ...(editing ? { id: editing.id } : {}), type, config: config() }));
    });

  const save = () =>
    run(async () => {
      const trimmed = name.trim();
      const saved = editing
        ? await api.updateConnection({
            id: editing.id,
            ...(trimmed !== editing.name ? { name: trimmed } : {}),
            description,
            config: config(),
          })
        : await api.createConnection({ name: trimmed, type, description, config: config() });
      onSaved(saved);
    });

  const valid = name.trim() !== '' && formIsValid(fields, values, savedSecrets);
  return (
    <Modal
      title={editing ? t('connections.edit_title', { name: editing.name }) : t('connections.new')}
      testId="connection-dialog"
      onClose={onClose}
      footer={
        <>
          <button
            type="button"
            className="button"
            data-testid="connection-test"
            disabled={busy}
            onClick={() => void test()}
          >
            {t('connections.test')}
          </button>
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            form="connection-form"
            className="button primary"
            data-testid="connection-save"
            disabled={busy || !valid}
          >
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form
        id="connection-form"
        className="form"
        autoComplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) void save();
        }}
      >
        <label className="field">
          <span>
            {t('connections.type')}
            <span className="required-mark"> *</span>
          </span>
          <select
            data-testid="connection-type"
            value={type}
            disabled={editing !== undefined}
            onChange={(event) => {
              setType(event.target.value);
              setValues({});
              setTested(null);
            }}
          >
            {types.map((candidate) => (
              <option key={candidate.type} value={candidate.type}>
                {candidate.title}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>
            {t('connections.name')}
            <span className="required-mark"> *</span>
          </span>
          <input
            data-testid="connection-name"
            value={name}
            placeholder="warehouse"
            autoFocus
            onChange={(event) => setName(event.target.value)}
          />
          <span className="field-help">
            {t('connections.name_help', { name: name.trim() || 'warehouse' })}
          </span>
        </label>
        <label className="field">
          <span>{t('connections.description')}</span>
          <input
            data-testid="connection-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <SchemaForm fields={fields} values={values} onChange={setValues} savedSecrets={savedSecrets} />
        {editing && editing.secrets_set.length > 0 && (
          <label className="field inline">
            <input
              type="checkbox"
              data-testid="connection-clear-secrets"
              checked={clearSecrets}
              onChange={(event) => setClearSecrets(event.target.checked)}
            />
            <span>{t('connections.clear_secrets', { fields: editing.secrets_set.join(', ') })}</span>
          </label>
        )}
      </form>
      <div className="dialog-outcome">
        <TestResult result={tested} testId="connection-test-result" />
        <ErrorBanner error={error} />
      </div>
    </Modal>
  );
}
