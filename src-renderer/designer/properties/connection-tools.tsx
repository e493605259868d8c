import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Connection,
  ConnectionTestResult,
  ConnectionType,
} from '../../../src-shared/api/connection-model';
import { api } from '../../api/client';
import { errorText } from '../../api/error-text';
import { TestResult } from '../../connections/connection-dialog';
import { connectionRef, type FieldEdit } from '../../../src-shared/forms/nested-form-model';
import { connectionEdits, connectionTestInput, type ConnectionPlacement } from './connection-edits';

/* A component's saved-connection select and its Test connection button. */

/** The saved-connection select and the Test connection button of a component. */
export function ConnectionTools({
  placement,
  type,
  section,
  connections,
  onEdit,
}: {
  placement: ConnectionPlacement;
  type: ConnectionType;
  section: Record<string, unknown>;
  /** Saved connections (all types; those of this type are offered). */
  connections: Connection[];
  onEdit: (edit: FieldEdit) => void;
}) {
  const { t } = useTranslation();
  const ref = connectionRef(section);
  const ofType = connections.filter((c) => c.type === type.type);
  const current = ref === undefined ? undefined : ofType.find((c) => c.name === ref);
  const [tested, setTested] = useState<ConnectionTestResult | null>(null);
  const [testing, setTesting] = useState(false);

  const test = async () => {
    setTesting(true);
    setTested(null);
    try {
      setTested(await api.testConnection(connectionTestInput(placement, type, section, current)));
    } catch (failure) {
      setTested({ ok: false, message: errorText(failure).message, duration_ms: 0 });
    } finally {
      setTesting(false);
    }
  };

  return (
    <div className="connection-tools" data-testid="connection-tools">
      <label className="field">
        <span>{t('designer_props.connection_source')}</span>
        <select
          data-testid="connection-ref"
          value={ref ?? ''}
          onChange={(event) => {
            const picked = ofType.find((c) => c.name === event.target.value) ?? null;
            for (const edit of connectionEdits(placement, type, section, picked, current)) onEdit(edit);
            setTested(null);
          }}
        >
          <option value="">{t('designer_props.connection_inline')}</option>
          {ref !== undefined && !current && <option value={ref}>{ref}</option>}
          {ofType.map((c) => (
            <option key={c.id} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {ref !== undefined && !current && (
        <div className="field-problem small" data-testid="connection-unknown">
          {t('designer_props.connection_unknown', { name: ref })}
        </div>
      )}
      {ref !== undefined && current && (
        <div className="field-help">{t('designer_props.connection_overrides', { name: ref })}</div>
      )}
      {ref === undefined && ofType.length === 0 && (
        <div className="field-help">{t('designer_props.connection_none_saved')}</div>
      )}
      <div className="connection-test">
        <button
          type="button"
          className="button small"
          data-testid="connection-test"
          disabled={testing}
          onClick={() => void test()}
        >
          {testing ? t('designer_props.testing') : t('designer_props.test_connection')}
        </button>
      </div>
      <TestResult result={tested} testId="connection-test-result" />
    </div>
  );
}
