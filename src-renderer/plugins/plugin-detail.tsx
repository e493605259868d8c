import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import type { ComponentKind, PluginDetail } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import {
  exampleJobName,
  examplePipelineFor,
  exampleSection,
  freeJobName,
  type ComponentExample,
} from './example-pipeline';
import { PluginSwitch, pluginKey, usePluginSwitching } from './plugin-switch';
import { PluginTags } from './plugin-tags';
import { fieldReference, type Limit, type ReferenceRow } from './schema-reference';

/*
 * One component on the Plugins page (`#/plugins/<kind>/<name>`): its description, an on/off
 * switch, its JSON Schema as a field reference, and its examples, each of which opens in the
 * designer as a new job.
 */

function LimitText({ limit }: { limit: Limit }) {
  const { t } = useTranslation();
  // `count` picks the plural form where the wording has one (`at least 1 item`).
  const text = t(`plugins_page.limit_${limit.kind}`, { value: limit.value, count: limit.value });
  return <span className="plugins-limit">{text}</span>;
}

/** The field reference: nested fields indented under their parent (test id `plugin-fields`). */
function FieldReference({ rows }: { rows: ReferenceRow[] }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <div className="empty">{t('plugins_page.no_fields')}</div>;
  return (
    <table className="grid plugins-fields" data-testid="plugin-fields">
      <thead>
        <tr>
          <th className="plugins-field-name">{t('plugins_page.col_field')}</th>
          <th className="plugins-field-type">{t('plugins_page.col_type')}</th>
          <th className="plugins-field-default">{t('plugins_page.col_default')}</th>
          <th>{t('plugins_page.col_description')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.key}
            className={row.variant ? 'plugins-field-variant' : undefined}
            data-testid="plugin-field"
            data-field={row.key}
          >
            <td className="plugins-field-name" style={{ paddingLeft: 10 + row.depth * 18 }}>
              <span className={row.variant ? 'plugins-variant-name' : 'mono'}>
                {row.variant ? `◆ ${row.name}` : row.name}
              </span>
              {row.required && <span className="plugins-required">{t('plugins_page.required')}</span>}
            </td>
            <td className="plugins-field-type">
              {!row.variant && <code>{row.type}</code>}
              {row.limits.map((limit) => (
                <LimitText key={limit.kind} limit={limit} />
              ))}
            </td>
            <td className="plugins-field-default">
              {row.default !== undefined && <code>{row.default}</code>}
            </td>
            <td className="plugins-field-description">
              {row.description && <div>{row.description}</div>}
              {row.values && (
                <div className="plugins-field-values">
                  <span className="muted">{t('plugins_page.col_values')}: </span>
                  {row.values.map((value) => (
                    <code key={value}>{value}</code>
                  ))}
                </div>
              )}
              {row.examples.length > 0 && (
                <div className="plugins-field-examples">
                  <span className="muted">{t('plugins_page.col_examples')}: </span>
                  {row.examples.map((example) => (
                    <code key={example}>{example}</code>
                  ))}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Builds the example's pipeline, creates a job from it and opens the job. */
async function createExampleJob(detail: PluginDetail, example: ComponentExample, index: number) {
  const taken = (await api.listJobs({})).map((job) => job.name);
  const name = freeJobName(exampleJobName(detail, index), taken);
  const yaml = await examplePipelineFor(detail, example, name, async (text) => {
    const { problems } = await api.validateConfig({ config_yaml: text, file_name: `${name}.yaml` });
    return problems;
  });
  return api.createJob({ name, description: example.title, config_yaml: yaml });
}

function ExampleCard({
  detail,
  example,
  index,
}: {
  detail: PluginDetail;
  example: ComponentExample;
  index: number;
}) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const job = await createExampleJob(detail, example, index);
      navigate(`/jobs/${job.id}`);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };
  return (
    <div className="plugins-example" data-testid="plugin-example">
      <div className="plugins-example-head">
        <strong>{example.title}</strong>
        <button
          type="button"
          className="button small primary"
          data-testid="plugin-example-open"
          title={t('plugins_page.open_help')}
          disabled={busy}
          onClick={() => void open()}
        >
          {busy ? t('plugins_page.opening') : t('plugins_page.open_in_designer')}
        </button>
      </div>
      <pre className="plugins-example-yaml">{exampleSection(detail, example)}</pre>
      <ErrorBanner error={error} onClose={() => setError(null)} />
    </div>
  );
}

/** A component's page. `kind` and `name` come from the route; an unknown one shows the API's error. */
export function PluginDetailView({ kind, name }: { kind: ComponentKind; name: string }) {
  const { t } = useTranslation();
  const loaded = useAsync(() => api.getPlugin({ kind, name }), [kind, name]);
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const switching = usePluginSwitching();
  const detail = loaded.data && { ...loaded.data, enabled: enabled ?? loaded.data.enabled };
  const rows = useMemo(() => (loaded.data ? fieldReference(loaded.data.schema) : []), [loaded.data]);

  return (
    <section className="page plugins-detail" data-testid="plugin-detail">
      <Link href="/plugins" className="back-link" data-testid="plugin-back">
        ← {t('plugins_page.back')}
      </Link>
      <ErrorBanner error={loaded.error} />
      {switching.failure && (
        <ErrorBanner error={{ message: switching.failure, problems: [] }} onClose={switching.dismiss} />
      )}
      {loaded.loading && !loaded.data && <div className="muted">{t('common.loading')}</div>}
      {detail && (
        <>
          <div className="page-header">
            <div className="plugins-detail-title">
              <h1 data-testid="plugin-detail-title">{detail.title}</h1>
              <span className="mono muted">{detail.name}</span>
              <PluginTags plugin={detail} />
            </div>
            <div className="plugins-detail-switch">
              <span className="muted" data-testid="plugin-detail-state">
                {detail.enabled ? t('plugins_page.enabled') : t('plugins_page.disabled')}
              </span>
              <PluginSwitch
                plugin={detail}
                busy={switching.busy.has(pluginKey(detail))}
                onChange={(next) => void switching.change(detail, next, setEnabled)}
              />
            </div>
          </div>
          <p className="plugins-detail-description">{detail.description}</p>
          {!detail.enabled && (
            <div className="plugins-disabled-note" data-testid="plugin-disabled-note">
              {t('plugins_page.disabled_note')}
            </div>
          )}
          <div className="panel">
            <div className="panel-title">
              {t('plugins_page.fields')}{' '}
              <span className="count">{rows.filter((r) => !r.variant).length}</span>
            </div>
            <p className="plugins-panel-intro muted small">{t('plugins_page.fields_intro')}</p>
            <FieldReference rows={rows} />
          </div>
          <div className="panel">
            <div className="panel-title">
              {t('plugins_page.examples')} <span className="count">{detail.examples.length}</span>
            </div>
            {detail.examples.length === 0 ? (
              <div className="empty">{t('plugins_page.no_examples')}</div>
            ) : (
              <div className="plugins-examples">
                {detail.examples.map((example, index) => (
                  <ExampleCard key={example.title} detail={detail} example={example} index={index} />
                ))}
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}
