import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { exportYaml, type ExportedVariable } from '../../../src-shared/config/export-yaml';
import { Modal } from '../../app/widgets';
import { downloadText } from '../../app/download';

/*
 * Import YAML (paste it or choose a file; the workspace replaces the document as one undo step)
 * and Export YAML (a download with secret values replaced by ${VAR} references, then a dialog
 * listing the variables to set where the file runs).
 */

export function ImportYamlDialog({
  onImport,
  onClose,
}: {
  onImport: (text: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  return (
    <Modal
      title={t('designer.import_title')}
      testId="import-yaml-dialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="import-yaml-apply"
            disabled={text.trim() === ''}
            onClick={() => onImport(text)}
          >
            {t('designer.import_apply')}
          </button>
        </>
      }
    >
      <p className="muted">{t('designer.import_intro')}</p>
      <label className="field">
        <span>{t('designer.import_file')}</span>
        <input
          type="file"
          accept=".yaml,.yml,text/yaml,application/yaml"
          data-testid="import-yaml-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void file.text().then(setText);
          }}
        />
      </label>
      <label className="field">
        <span>{t('designer.import_text')}</span>
        <textarea
          className="mono designer-import-text"
          data-testid="import-yaml-text"
          rows={14}
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
    </Modal>
  );
}

/** Downloads the export of `text` as `fileName` and returns the variables it introduced; throws when the text does not parse. */
export function downloadExport(text: string, fileName: string): ExportedVariable[] {
  const exported = exportYaml(text);
  downloadText(exported.yaml, fileName, 'application/yaml');
  return exported.variables;
}

export function ExportedDialog({
  fileName,
  variables,
  onClose,
}: {
  fileName: string;
  variables: ExportedVariable[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      title={t('designer.export_title', { file: fileName })}
      testId="export-yaml-dialog"
      onClose={onClose}
      footer={
        <button type="button" className="button primary" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      {variables.length === 0 ? (
        <p>{t('designer.export_none')}</p>
      ) : (
        <>
          <p>{t('designer.export_intro')}</p>
          <table className="grid designer-export-variables" data-testid="export-variables">
            <thead>
              <tr>
                <th>{t('designer.export_variable')}</th>
                <th>{t('designer.export_field')}</th>
              </tr>
            </thead>
            <tbody>
              {variables.map((variable) => (
                <tr key={variable.name}>
                  <td className="mono">{`\${${variable.name}}`}</td>
                  <td className="mono">{variable.path}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Modal>
  );
}
