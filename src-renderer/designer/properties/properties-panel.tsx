import { useMemo, useState, type FocusEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionType } from '../../../src-shared/api/connection-model';
import type { ConfigProblem } from '../../../src-shared/api/model';
import { api } from '../../api/client';
import { useAsync } from '../../app/use-async';
import { ErrorBanner } from '../../app/widgets';
import {
  connectionRef,
  type FieldEdit,
  type FormNode,
  type JsonSchema,
} from '../../../src-shared/forms/nested-form-model';
import { NestedSchemaForm, type FieldRendering, type FormSection } from '../../forms/nested-schema-form';
import { FieldIssues } from '../../forms/nested-schema-form';
import { StepPreviewBody, useStepPreview } from '../../preview/step-preview-panel';
import { useCatalogPickers, type CatalogPickers } from './catalog-pickers';
import { savedFieldsOf, type ConnectionPlacement } from './connection-edits';
import { ConnectionTools } from './connection-tools';
import { nodeProblemIssues } from './node-problems';
import { groupFields, type PropertyGroup } from './property-groups';

/*
 * The designer's properties panel for the selected node of the flow.
 *
 *   <PropertiesPanel kind="output" type="postgresql" section={…} path="output"
 *                    problems={…} onFieldChange={…} jobId={…} yaml={…} />
 *
 * - Properties: a form generated from the component's JSON Schema (api.getPlugin), its fields in
 *   groups (connection, query / write, processing, performance, error handling, other). The YAML
 *   stays the source of truth: the form shows `section` as it is and sends every change as
 *   `onFieldChange(field, value)` at the smallest field path (`['write', 'table']`; `value`
 *   undefined removes the field), typed (numbers as numbers) and, for text, after a pause in
 *   typing, on Enter or when the field is left. What is typed is checked against the schema at
 *   once; `problems` (the server's, for this node) show at their fields too.
 * - SQL components (those with saved connections: postgresql, mysql, sqlite) get a saved-connection
 *   select, a Test connection button, and table / column pickers: filled from the catalog for a
 *   saved connection, or by asking the node's own database for a connection written in the node
 *   (once typing pauses, or when a picker opens; see catalog-pickers.ts).
 * - Preview: the step preview of this node (the first 100 rows after it) over `yaml`.
 */

export interface PropertiesPanelProps {
  kind: 'input' | 'processor' | 'output';
  /** The component type (`postgresql`, `filter`). */
  type: string;
  /** The node's config section as parsed from the YAML, `type` included. */
  section: Record<string, unknown>;
  /** The node's config path: `input`, `pipeline.processors[1]`, `pipeline.processors[2].branches[0].output`. */
  path: string;
  /** Server-side validation problems whose path is inside this node. */
  problems: ConfigProblem[];
  /** A field changed: its path relative to the section; `value` undefined removes it. */
  onFieldChange(field: (string | number)[], value: unknown): void;
  /** For the Preview tab: the job (relative paths resolve in its folder) and the YAML as edited. */
  jobId: string;
  yaml: string;
}

type Tab = 'properties' | 'preview';

// Connection types are fixed by the registry: loaded once per page.
let connectionTypesLoad: Promise<ConnectionType[]> | null = null;
function connectionTypes(): Promise<ConnectionType[]> {
  connectionTypesLoad ??= api.listConnectionTypes({}).catch((failure: unknown) => {
    connectionTypesLoad = null;
    throw failure;
  });
  return connectionTypesLoad;
}

export function PropertiesPanel(props: PropertiesPanelProps) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('properties');
  return (
    <section
      className="panel properties-panel"
      data-testid="properties-panel"
      data-path={props.path}
      data-component={`${props.kind}/${props.type}`}
    >
      <div className="panel-title">
        <span data-testid="properties-type">{props.type}</span>
        <span className="mono step-path">{props.path}</span>
      </div>
      <div className="prop-tabs" role="tablist">
        {(['properties', 'preview'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'prop-tab active' : 'prop-tab'}
            data-testid={`properties-tab-${name}`}
            onClick={() => setTab(name)}
          >
            {name === 'properties' ? t('designer_props.tab_properties') : t('designer_props.tab_preview')}
          </button>
        ))}
      </div>
      <div className="properties-body">
        {tab === 'properties' ? (
          <PropertiesForm {...props} />
        ) : (
          <NodePreview jobId={props.jobId} yaml={props.yaml} path={props.path} />
        )}
      </div>
    </section>
  );
}

/** The message keys a group's title comes from (a narrow signature keeps the type check shallow). */
type GroupKey =
  `designer_props.group_${'connection' | 'query' | 'processing' | 'performance' | 'errors' | 'other'}`;

function groupTitle(group: PropertyGroup, t: (key: GroupKey) => string): string {
  switch (group) {
    case 'connection':
      return t('designer_props.group_connection');
    case 'query':
      return t('designer_props.group_query');
    case 'processing':
      return t('designer_props.group_processing');
    case 'performance':
      return t('designer_props.group_performance');
    case 'errors':
      return t('designer_props.group_errors');
    default:
      return t('designer_props.group_other');
  }
}

/** What the node's own database offers the pickers (a connection written in the node), or why nothing. */
function InlineNote({ pickers }: { pickers: CatalogPickers }) {
  const { t } = useTranslation();
  const inline = pickers.inline;
  const note = (state: string, text: ReactNode) => (
    <div className={`field-help catalog-note inspect-${state}`} data-testid="catalog-note" data-state={state}>
      {text}
    </div>
  );
  if (!inline) return note('none', t('designer_inspect.need_connection'));
  switch (inline.state) {
    case 'waiting':
      return note('waiting', t('designer_inspect.waiting'));
    case 'loading':
      return note('loading', t('designer_inspect.loading'));
    case 'ready':
      return note('ready', t('designer_inspect.tables', { count: pickers.tables?.length ?? 0 }));
    case 'failed':
      return note(
        'failed',
        <>
          <span className="inspect-message" title={inline.message}>
            {t('designer_inspect.unreachable', { message: inline.message })}
          </span>
          <button type="button" className="link-button" data-testid="inspect-retry" onClick={pickers.reload}>
            {t('designer_inspect.retry')}
          </button>
        </>,
      );
  }
}

/** What the catalog offers for this node, or why it offers nothing. */
function CatalogNote({ pickers }: { pickers: CatalogPickers }) {
  const { t } = useTranslation();
  const [scanned, setScanned] = useState(false);
  if (!pickers.connectionRef) return <InlineNote pickers={pickers} />;
  if (pickers.tables === null) return null;
  if (pickers.tables.length > 0)
    return (
      <div className="field-help catalog-note" data-testid="catalog-note">
        {t('designer_props.catalog_tables', { count: pickers.tables.length, name: pickers.connectionRef })}
      </div>
    );
  const scan = async () => {
    const connections = await api.listConnections({});
    const id = connections.find((c) => c.name === pickers.connectionRef)?.id;
    if (!id) return;
    await api.startCatalogScan({ connection_id: id });
    setScanned(true);
  };
  return (
    <div className="field-help catalog-note" data-testid="catalog-note">
      {t('designer_props.catalog_empty', { name: pickers.connectionRef })}{' '}
      {scanned ? (
        <button type="button" className="link-button" onClick={pickers.reload}>
          {t('designer_props.catalog_reload')}
        </button>
      ) : (
        <button type="button" className="link-button" data-testid="catalog-scan" onClick={() => void scan()}>
          {t('designer_props.catalog_scan')}
        </button>
      )}
    </div>
  );
}

function PropertiesForm({ kind, type, section, path, problems, onFieldChange, jobId }: PropertiesPanelProps) {
  const { t } = useTranslation();
  const plugin = useAsync(() => api.getPlugin({ kind, name: type }), [kind, type]);
  const types = useAsync(connectionTypes, []);
  const connections = useAsync(() => api.listConnections({}), []);
  const schema = (plugin.data?.schema ?? null) as JsonSchema | null;
  const connectionType = types.data?.find((candidate) => candidate.type === type);
  const placement: ConnectionPlacement = schema?.properties?.connection ? 'connection' : 'root';
  const pickers = useCatalogPickers(
    section,
    connectionType && { kind, type, jobId, placement, savedFields: savedFieldsOf(connectionType) },
  );

  const options = useMemo(
    () => ({
      secretFields: connectionType?.secret_fields ?? [],
      refFields: connectionType && placement === 'root' ? savedFieldsOf(connectionType) : [],
    }),
    [connectionType, placement],
  );
  const issues = useMemo(() => nodeProblemIssues(problems, path), [problems, path]);
  const onEdit = (edit: FieldEdit) => onFieldChange([...edit.path], edit.value);

  if (plugin.error) return <ErrorBanner error={plugin.error} />;
  if (!schema) return <div className="muted small">{t('common.loading')}</div>;

  const tools = connectionType && (
    <ConnectionTools
      placement={placement}
      type={connectionType}
      section={section}
      connections={connections.data ?? []}
      onEdit={onEdit}
    />
  );

  const sections = (nodes: FormNode[]): FormSection[] =>
    groupFields(kind, nodes).map(({ group, nodes: groupNodes }) => {
      let header: ReactNode = null;
      // sqlite: the saved connection sits beside `path`, at the top of the group.
      if (group === 'connection' && placement === 'root') header = tools;
      if (group === 'query' && connectionType) header = <CatalogNote pickers={pickers} />;
      return { id: group, title: groupTitle(group, t), nodes: groupNodes, header };
    });

  // postgresql, mysql: the saved connection replaces the `connection` fields, which stay to override it.
  const renderField = (node: FormNode, form: FieldRendering) => {
    if (!tools || placement !== 'connection' || node.path.length !== 1 || node.key !== 'connection')
      return undefined;
    return (
      <div className="field prop-field nested" data-testid="prop-field" data-path="connection">
        <div className="prop-label">
          <span className="prop-name" title={node.description}>
            connection
            {node.required && connectionRef(section) === undefined && (
              <span className="required-mark"> *</span>
            )}
          </span>
        </div>
        {tools}
        {form.field(node)}
        <FieldIssues node={node} issues={form.issues(node)} />
      </div>
    );
  };

  // A picker field (an input with suggestions) taking focus opens the picker: its tables are wanted now.
  const onFocus = (event: FocusEvent) => {
    if (event.target instanceof HTMLInputElement && event.target.list) pickers.open();
  };

  return (
    <div className="properties-form-host" onFocus={onFocus}>
      <NestedSchemaForm
        schema={schema}
        value={section}
        onEdit={onEdit}
        options={options}
        problems={issues}
        sections={sections}
        suggestionsFor={connectionType ? pickers.suggestionsFor : undefined}
        renderField={renderField}
        testId="properties-form"
      />
    </div>
  );
}

/** The step preview at this node: the first rows after it, run when the tab opens and on Refresh. */
function NodePreview({ jobId, yaml, path }: { jobId: string; yaml: string; path: string }) {
  const { t } = useTranslation();
  const state = useStepPreview(jobId, yaml, 'opened');
  const ready = state.previewed !== null && !state.loading && !state.stale;
  return (
    <div className="node-preview" data-testid="node-preview" data-ready={ready ? 'true' : 'false'}>
      <div className="toolbar">
        {state.loading && <span className="muted small">{t('step_preview.running')}</span>}
        <span className="spacer" />
        <button
          type="button"
          className="button small"
          data-testid="node-preview-refresh"
          disabled={state.loading}
          onClick={() => void state.run(yaml)}
        >
          {t('step_preview.refresh')}
        </button>
      </div>
      <StepPreviewBody state={state} nodeId={path} />
    </div>
  );
}
