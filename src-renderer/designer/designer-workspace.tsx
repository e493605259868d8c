import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PipelineSettingsPanel } from './properties/pipeline-settings-panel';
import type { ConfigProblem, FlowDiagram, PluginInfo } from '../../src-shared/api/model';
import { api } from '../api/client';
import { problemLine } from '../api/error-text';
import { YamlEditor } from '../yaml/yaml-editor';
import { DesignerCanvas, FIT_VIEW } from './canvas/designer-canvas';
import { DESIGNER_VIEWS, DesignerToolbar, type DesignerView } from './canvas/designer-toolbar';
import { graphProblemMarkers } from './canvas/graph-markers';
import { ruleText } from './canvas/issue-text';
import { nodeIssues, ownerOf } from './canvas/node-issues';
import { placementFor, type DropSpot } from './canvas/placement';
import { useDesignerSession } from './canvas/use-designer-session';
import { downloadExport, ExportedDialog, ImportYamlDialog } from './canvas/yaml-transfer';
import type { ExportedVariable } from '../../src-shared/config/export-yaml';
import { layoutGraph, type NodePosition } from './layout';
import type { NodeCount } from './node-counts';
import { ComponentPalette, loadNewSection } from './palette/component-palette';
import { valueAtPath } from './pipeline-graph';
import { formatYamlError, type Section } from './yaml-document-edits';

/*
 * The designer workspace the job page and the new-job wizard share: a component palette, the flow
 * canvas and the YAML editor, in sync both ways and live (see `useDesignerSession`), under one
 * toolbar.
 *
 *   <DesignerWorkspace yaml={draft} onChange={setDraft} fileName="orders.yaml"
 *                      selectedId={node} onSelect={setNode}
 *                      positions={job.flow_diagram} onPositionsChange={setDiagram}
 *                      counts={nodeCounts(run?.progress)}
 *                      renderProperties={(node, onFieldChange) => <PropertiesPanel … />} />
 *
 * - Views: Canvas | Split | YAML, the choice remembered in this browser.
 * - While the YAML does not parse the canvas keeps the last valid flow under a banner saying where
 *   the text breaks, and refuses edits; the text stays as typed.
 * - Validation problems show as editor markers, on their nodes and in the list below; graph rules
 *   (one input, branches ending in outputs …) on their nodes and as editor markers.
 */

const VALIDATE_DELAY_MS = 400;
const NOTICE_MS = 6000;
const VIEW_KEY = 'fustgo.designer.view';

/** The server's problems with a draft, and the text they are about. */
export interface Validation {
  problems: ConfigProblem[];
  /** The text validated: while the user types it is an older one. */
  text: string;
}

/** Validates the draft as the user types, a moment after they pause; the last answer stays meanwhile. */
export function useValidation(configYaml: string, fileName: string): Validation | null {
  const [validation, setValidation] = useState<Validation | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.validateConfig({ config_yaml: configYaml, file_name: fileName }).then(
        (result) => current && setValidation({ problems: result.problems, text: configYaml }),
        // A failed validation call is not a problem in the config; keep the last answer.
        () => undefined,
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [configYaml, fileName]);
  return validation;
}

/** The selected node, as the properties panel gets it. */
export interface DesignerNodeInfo {
  /** Config path: `input`, `pipeline.processors[1]`, `pipeline.processors[2].branches[0].output`. */
  path: string;
  kind: 'input' | 'processor' | 'output' | 'branch';
  /** Component type; for a branch `when` or `else`. */
  type: string;
  /** The node's section as parsed from the YAML. */
  section: Record<string, unknown>;
  /** The server's validation problems that belong to this node (not to a node inside it). */
  problems: ConfigProblem[];
}

/** A field of the selected node changed: its path inside the section; `value` undefined removes it. */
export type FieldChange = (field: (string | number)[], value: unknown) => void;

export interface DesignerWorkspaceProps {
  yaml: string;
  onChange: (yaml: string) => void;
  /** The file name validation messages carry and Export YAML downloads (`orders.yaml`). */
  fileName: string;
  /** The node whose step preview is open, if any (selected on the canvas when it changes). */
  selectedId?: string | null;
  /** A node was clicked: its config path. */
  onSelect?: (id: string) => void;
  /** Saved node positions by config path (the job's flow diagram); read when the workspace mounts. */
  positions?: FlowDiagram | null;
  /** Nodes moved, or the flow changed: every node's position by config path, to save with the job. */
  onPositionsChange?: (positions: FlowDiagram) => void;
  /** Row counts of the current or last run by node id (`nodeCounts(progress)`), shown on the nodes. */
  counts?: Record<string, NodeCount>;
  /** The properties panel of the one selected node, right of the canvas (nothing shown for null). */
  renderProperties?: (node: DesignerNodeInfo, onFieldChange: FieldChange) => ReactNode;
}

function storedView(): DesignerView {
  const stored = localStorage.getItem(VIEW_KEY);
  return (DESIGNER_VIEWS as readonly string[]).includes(stored ?? '') ? (stored as DesignerView) : 'split';
}

const NO_COUNTS: Record<string, NodeCount> = {};

function Workspace({
  yaml,
  onChange,
  fileName,
  selectedId,
  onSelect,
  positions,
  onPositionsChange,
  counts = NO_COUNTS,
  renderProperties,
}: DesignerWorkspaceProps) {
  const { t } = useTranslation();
  const { fitView } = useReactFlow();
  const session = useDesignerSession({
    yaml,
    onChange,
    ...(positions !== undefined ? { positions } : {}),
    ...(onPositionsChange ? { onPositionsChange } : {}),
  });
  const { model, state } = session;
  const readOnly = state.error !== null;
  const validation = useValidation(yaml, fileName);
  // Nodes and markers keep the last answer while the user types (no flicker); the verdict waits for the text as it is.
  const problems = validation?.problems ?? null;
  const checked = validation?.text === yaml ? validation.problems : null;
  const root = useRef<HTMLDivElement>(null);

  const [view, setView] = useState<DesignerView>(storedView);
  const chooseView = (next: DesignerView) => {
    setView(next);
    localStorage.setItem(VIEW_KEY, next);
  };

  const [notice, setNotice] = useState<{ text: string; at: number } | null>(null);
  const say = useCallback((text: string) => setNotice({ text, at: Date.now() }), []);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // Fit the view when the text brought or took nodes (typing, pasting, importing); not after an
  // edit on the canvas, where the user is looking at what they changed.
  const [fitKey, setFitKey] = useState(0);
  const textDriven = useRef(false);
  const shape = state.graph.nodes.map((node) => node.uid).join(' ');
  const lastShape = useRef(shape);
  useEffect(() => {
    if (shape !== lastShape.current && textDriven.current) setFitKey((key) => key + 1);
    lastShape.current = shape;
    textDriven.current = false;
  }, [shape]);
  const onEditorChange = (text: string) => {
    textDriven.current = true;
    onChange(text);
  };

  // The parent's selected node (the step preview's) becomes the canvas selection.
  useEffect(() => {
    if (!selectedId) return;
    const uid = model.getState().graph.uidByPath.get(selectedId);
    const chosen = model.getState().selection;
    // Already selected (perhaps with others, by a shift-click): leave the selection as it is.
    if (uid && !chosen.includes(uid)) model.select([uid]);
  }, [selectedId, model]);

  const issues = useMemo(
    () => nodeIssues(state.graph.nodes, problems ?? [], state.problems, counts),
    [state.graph, state.problems, problems, counts],
  );
  const editorProblems = useMemo(() => {
    const kindOf = (id: string) => state.graph.nodes.find((node) => node.id === id)?.kind ?? 'processor';
    const markers = readOnly
      ? []
      : graphProblemMarkers(state.yamlText, fileName, state.problems, problems ?? [], (problem) =>
          ruleText(t, problem, kindOf(problem.nodeId)),
        );
    return [...(problems ?? []), ...markers];
  }, [problems, state.problems, state.yamlText, state.graph, fileName, readOnly, t]);

  const [dragged, setDragged] = useState<PluginInfo | null>(null);
  const addComponent = async (plugin: PluginInfo, spot: DropSpot, point: NodePosition | null) => {
    const section = await loadNewSection(plugin);
    if (model.getState().error) {
      say(t('designer.read_only'));
      return;
    }
    const { graph, positions: placed } = model.getState();
    const placement = placementFor(graph, placed, plugin.kind, section, spot, point);
    const result = model.applyCanvasEdit(placement.edits, placement.placed);
    if (!result.ok) {
      say(t('designer.add_failed', { name: plugin.name, message: result.message }));
      return;
    }
    const uid = model.getState().graph.uidByPath.get(placement.path);
    if (uid) model.select([uid]);
  };

  const layout = () => {
    const { graph } = model.getState();
    const laid = layoutGraph(graph);
    model.moveNodes(Object.fromEntries(graph.nodes.map((node) => [node.uid, laid[node.id]])));
    setFitKey((key) => key + 1);
  };

  const [fullscreen, setFullscreen] = useState<'off' | 'native' | 'fallback'>('off');
  useEffect(() => {
    const sync = () => {
      if (document.fullscreenElement === root.current) setFullscreen('native');
      else setFullscreen((was) => (was === 'native' ? 'off' : was));
    };
    document.addEventListener('fullscreenchange', sync);
    return () => document.removeEventListener('fullscreenchange', sync);
  }, []);
  useEffect(() => {
    if (fullscreen !== 'fallback') return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setFullscreen('off');
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [fullscreen]);
  const toggleFullscreen = () => {
    // The document says whether full screen is on: the change event may not have arrived yet.
    if (document.fullscreenElement) void document.exitFullscreen().then(() => setFullscreen('off'));
    else if (fullscreen === 'fallback') setFullscreen('off');
    else if (root.current?.requestFullscreen)
      root.current.requestFullscreen().then(
        () => setFullscreen(document.fullscreenElement === root.current ? 'native' : 'off'),
        // Refused (an iframe, a policy): the fallback fills the window instead.
        () => setFullscreen('fallback'),
      );
    else setFullscreen('fallback');
  };
  // Another view or full screen gives the canvas another size (or shows it again): frame the flow.
  const frame = `${view} ${fullscreen}`;
  const framed = useRef(frame);
  useEffect(() => {
    if (framed.current === frame) return;
    framed.current = frame;
    setFitKey((key) => key + 1);
  }, [frame]);

  const [importing, setImporting] = useState(false);
  const [exported, setExported] = useState<ExportedVariable[] | null>(null);
  const exportDocument = () => {
    try {
      setExported(downloadExport(model.getState().yamlText, fileName));
    } catch (error) {
      say(t('designer.export_failed', { message: error instanceof Error ? error.message : String(error) }));
    }
  };

  const [reveal, setReveal] = useState<{ line: number; col: number; token: number } | null>(null);
  const revealProblem = (problem: ConfigProblem) => {
    if (view === 'canvas') chooseView('split');
    setReveal({ line: problem.line, col: problem.col, token: Date.now() });
  };

  /** Field edits of the section at `path` (`''`: the document's root, for the pipeline settings). */
  const fieldEditor =
    (path: string): FieldChange =>
    (field, fieldValue) => {
      const result = model.applyCanvasEdit(
        fieldValue === undefined
          ? { kind: 'deleteField', path, field }
          : { kind: 'setField', path, field, value: fieldValue },
      );
      if (!result.ok) say(t('designer.edit_failed', { message: result.message }));
    };

  // The properties slot: the one selected node, its section read from the last text that parsed.
  const selected =
    state.selection.length === 1
      ? state.graph.nodes.find((node) => node.uid === state.selection[0])
      : undefined;
  const [closedFor, setClosedFor] = useState<string | null>(null);
  // A node without a component type has no properties to show.
  const showProperties = Boolean(
    renderProperties && selected && selected.type !== '?' && closedFor !== selected.uid,
  );
  const [settingsOpen, setSettingsOpen] = useState(false);
  // The section values come from the model's last text that parsed (no second parse here).
  const { config } = state;
  const properties = (() => {
    if (!showProperties || !selected || !renderProperties) return null;
    const value = valueAtPath(config, selected.id);
    const section =
      value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Section) : {};
    const onFieldChange = fieldEditor(selected.id);
    const own = (problems ?? []).filter(
      (problem) => ownerOf(state.graph.nodes, problem.path) === selected.id,
    );
    return renderProperties(
      { path: selected.id, kind: selected.kind, type: selected.type, section, problems: own },
      onFieldChange,
    );
  })();

  const canvasShown = view !== 'yaml';
  const hasProperties =
    canvasShown && properties !== null && properties !== undefined && properties !== false;
  return (
    <div
      ref={root}
      className={`job-workspace designer-workspace view-${view}${fullscreen === 'fallback' ? ' designer-fullscreen' : ''}`}
      data-testid="designer-workspace"
      data-view={view}
    >
      <DesignerToolbar
        canUndo={state.canUndo}
        canRedo={state.canRedo}
        onUndo={() => model.undo()}
        onRedo={() => model.redo()}
        canvasShown={canvasShown}
        readOnly={readOnly}
        onLayout={layout}
        onFit={() => void fitView(FIT_VIEW)}
        settingsOpen={settingsOpen}
        onSettings={() => setSettingsOpen((open) => !open)}
        fullscreen={fullscreen !== 'off'}
        onFullscreen={toggleFullscreen}
        view={view}
        onView={chooseView}
        onImport={() => setImporting(true)}
        onExport={exportDocument}
      >
        {checked && checked.length === 0 && (
          <span className="valid-note" data-testid="config-valid">
            ✓ {t('job.valid')}
          </span>
        )}
        {checked && checked.length > 0 && (
          <span className="text-danger" data-testid="problem-count">
            {t('job.problems', { count: checked.length })}
          </span>
        )}
      </DesignerToolbar>
      <div
        className={`designer-body${hasProperties || (canvasShown && settingsOpen) ? ' with-properties' : ''}`}
      >
        {canvasShown && (
          <ComponentPalette
            disabled={readOnly}
            onDrag={setDragged}
            onAdd={(plugin) => void addComponent(plugin, { on: 'pane' }, null)}
          />
        )}
        <div className="panel designer-canvas-pane" hidden={!canvasShown}>
          <div className="panel-title">{t('job.flow')}</div>
          <DesignerCanvas
            model={model}
            state={state}
            issues={issues}
            counts={counts}
            readOnly={readOnly}
            dragged={dragged}
            onDropComponent={(plugin, spot, point) => void addComponent(plugin, spot, point)}
            {...(onSelect ? { onNodeClick: onSelect } : {})}
            notice={say}
            fitKey={fitKey}
          />
          {state.error && (
            <div className="designer-banner" role="alert" data-testid="yaml-error-banner">
              {t('designer.yaml_invalid', {
                where: `${state.error.line}:${state.error.col}`,
                message: state.error.message,
              })}
            </div>
          )}
        </div>
        {canvasShown && settingsOpen && (
          <aside className="panel designer-properties" data-testid="designer-settings-panel">
            <button
              type="button"
              className="link-button designer-properties-close"
              data-testid="designer-settings-close"
              aria-label={t('designer.close_properties')}
              title={t('designer.close_properties')}
              onClick={() => setSettingsOpen(false)}
            >
              ✕
            </button>
            <div className="designer-properties-body">
              <PipelineSettingsPanel
                config={config}
                problems={problems ?? []}
                onFieldChange={fieldEditor('')}
              />
            </div>
          </aside>
        )}
        {!settingsOpen && hasProperties && selected && (
          <aside className="panel designer-properties" data-testid="designer-properties" key={selected.uid}>
            <button
              type="button"
              className="link-button designer-properties-close"
              data-testid="designer-properties-close"
              aria-label={t('designer.close_properties')}
              title={t('designer.close_properties')}
              onClick={() => setClosedFor(selected.uid)}
            >
              ✕
            </button>
            <div className="designer-properties-body">{properties}</div>
          </aside>
        )}
        <div className="panel editor-panel designer-yaml-pane" hidden={view === 'canvas'}>
          <div className="panel-title">
            {t('job.yaml')}
            {state.error && (
              <span className="text-danger designer-yaml-error" title={formatYamlError(state.error)}>
                {formatYamlError(state.error)}
              </span>
            )}
          </div>
          <YamlEditor value={yaml} onChange={onEditorChange} problems={editorProblems} reveal={reveal} />
        </div>
      </div>
      {problems && problems.length > 0 && (
        <ul className="problem-list designer-problems" data-testid="problem-list">
          {problems.map((problem, index) => (
            <li key={`${problem.line}:${problem.col}:${index}`}>
              <button type="button" className="link-button mono" onClick={() => revealProblem(problem)}>
                {problemLine(problem)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {notice && (
        <div className="designer-notice" role="status" data-testid="designer-notice" key={notice.at}>
          <span>{notice.text}</span>
          <button type="button" className="link-button" onClick={() => setNotice(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      {importing && (
        <ImportYamlDialog
          onClose={() => setImporting(false)}
          onImport={(text) => {
            setImporting(false);
            textDriven.current = true;
            session.replaceText(text);
          }}
        />
      )}
      {exported && (
        <ExportedDialog fileName={fileName} variables={exported} onClose={() => setExported(null)} />
      )}
    </div>
  );
}

/** The pipeline as an editable flow beside its YAML, with a component palette and a toolbar. */
export function DesignerWorkspace(props: DesignerWorkspaceProps) {
  return (
    <ReactFlowProvider>
      <Workspace {...props} />
    </ReactFlowProvider>
  );
}
