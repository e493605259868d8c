import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConfigProblem } from '../../../src-shared/api/model';
import {
  pipelineSettingsSchema,
  pipelineSettingsValue,
} from '../../../src-shared/forms/pipeline-settings-schema';
import { api } from '../../api/client';
import { useAsync } from '../../app/use-async';
import { ErrorBanner } from '../../app/widgets';
import { NestedSchemaForm } from '../../forms/nested-schema-form';
import { nodeProblemIssues } from './node-problems';

/*
 * The pipeline-wide settings in the properties slot: `job` (name, type, description, schedule,
 * time zone) and `pipeline` (channels, buffer, error limit, dead letters), as a form generated from
 * the pipeline schema; every change goes out as a field edit at the root of the YAML.
 */

export function PipelineSettingsPanel({
  config,
  problems,
  onFieldChange,
}: {
  /** The config as last parsed. */
  config: unknown;
  /** Validation problems of the whole config (those in `job` and `pipeline` show at their fields). */
  problems: readonly ConfigProblem[];
  onFieldChange: (field: (string | number)[], value: unknown) => void;
}) {
  const { t } = useTranslation();
  const loaded = useAsync(() => api.getPipelineSchema({}), []);
  const schema = useMemo(() => (loaded.data ? pipelineSettingsSchema(loaded.data) : null), [loaded.data]);
  const issues = useMemo(
    () =>
      nodeProblemIssues(
        problems.filter((problem) => !problem.path.startsWith('pipeline.processors')),
        '',
      ).filter((issue) => issue.path[0] === 'job' || issue.path[0] === 'pipeline'),
    [problems],
  );
  return (
    <div className="properties-panel" data-testid="pipeline-settings">
      <div className="properties-head">
        <strong>{t('designer.pipeline_settings')}</strong>
      </div>
      <ErrorBanner error={loaded.error} />
      {schema && (
        <NestedSchemaForm
          schema={schema}
          value={pipelineSettingsValue(config)}
          onEdit={(edit) => onFieldChange([...edit.path], edit.value)}
          problems={issues}
          testId="pipeline-settings-form"
        />
      )}
    </div>
  );
}
