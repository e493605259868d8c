import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useConnection,
  useReactFlow,
  type Connection,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { PluginInfo } from '../../../src-shared/api/model';
import type { ActionResult, DesignerModel, DesignerState } from '../designer-model';
import type { NodePosition } from '../layout';
import type { NodeCount } from '../node-counts';
import type { DesignerGraph } from '../node-identity';
import {
  buildFlowEdges,
  buildFlowNodes,
  type PipelineFlowEdge,
  type PipelineFlowNode,
} from './flow-elements';
import { refusalText } from './issue-text';
import type { NodeIssue } from './node-issues';
import { nodeTypes } from './pipeline-node';
import { connectionEdits, findDropSpot, type DropSpot } from './placement';

/*
 * The editable flow canvas (@xyflow/react). It draws the model's graph and turns what the user does
 * into model calls: dragging nodes (moveNodes), selecting (shift-click, shift-drag a box), drawing a
 * connection (a processor moves, see `connectionEdits`; refused ones say why, live and on release),
 * dropping palette components (the workspace adds them), Delete / Ctrl+C / Ctrl+V / Ctrl+Z /
 * Ctrl+Shift+Z while the canvas has the user's attention, and a context menu. While the YAML does
 * not parse, nothing here may change the flow.
 */

/** How a view fit frames the flow. */
export const FIT_VIEW = { padding: 0.15, maxZoom: 1 } as const;

/**
 * Past this many nodes a flow is first framed at its start, at a size that can be read: a whole
 * 150-step chain fitted to the screen is a hairline. Fit view (the button) still shows it all.
 */
const LARGE_FLOW = 40;
const LARGE_FLOW_START = 5;

/** How a flow is framed when it opens or its canvas is resized: all of it, or the start of a long one. */
function openingFit(nodes: readonly { id: string; position: { x: number } }[]) {
  if (nodes.length <= LARGE_FLOW) return FIT_VIEW;
  const start = [...nodes].sort((a, b) => a.position.x - b.position.x).slice(0, LARGE_FLOW_START);
  return { ...FIT_VIEW, nodes: start.map(({ id }) => ({ id })) };
}

/** Keys that add a clicked node to the selection (a constant: React Flow listens anew when it changes). */
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];

/** Below this width (px) the canvas leaves the minimap out. */
const MINIMAP_MIN_WIDTH = 520;

/** What the canvas copied last, for Paste where the system clipboard cannot be read. */
let lastCopied: string | null = null;

export interface DesignerCanvasProps {
  model: DesignerModel;
  state: DesignerState;
  issues: ReadonlyMap<string, NodeIssue[]>;
  counts: Readonly<Record<string, NodeCount>>;
  /** The YAML does not parse: nothing may change the flow. */
  readOnly: boolean;
  /** The palette component being dragged, if any. */
  dragged: PluginInfo | null;
  onDropComponent: (plugin: PluginInfo, spot: DropSpot, point: NodePosition) => void;
  onNodeClick?: (path: string) => void;
  /** Says something to the user for a moment (a refused edit). */
  notice: (message: string) => void;
  /** Bumped to fit the view to the flow again. */
  fitKey: number;
}

interface MenuState {
  x: number;
  y: number;
  /** Opened on empty canvas: only Paste. */
  pane: boolean;
}

function isEditable(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

function sameMembers(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((item) => a.has(item));
}

/** While a connection is drawn over a node it may not reach, says why. */
function ConnectionHint({ graph }: { graph: DesignerGraph }) {
  const { t } = useTranslation();
  const pair = useConnection((connection) =>
    connection.inProgress && connection.toNode && connection.isValid === false
      ? connection.fromHandle.type === 'source'
        ? `${connection.fromNode.id}\n${connection.toNode.id}`
        : `${connection.toNode.id}\n${connection.fromNode.id}`
      : null,
  );
  if (pair === null) return null;
  const [source, target] = pair.split('\n');
  const pathOf = (uid: string) => graph.nodes.find((node) => node.uid === uid)?.id ?? '';
  const outcome = connectionEdits(graph, pathOf(source), pathOf(target));
  if (outcome.ok) return null;
  return (
    <Panel position="top-center" className="designer-connection-hint" data-testid="connection-hint">
      {t('designer.connect_refused', { reason: refusalText(t, outcome.refusal) })}
    </Panel>
  );
}

export function DesignerCanvas({
  model,
  state,
  issues,
  counts,
  readOnly,
  dragged,
  onDropComponent,
  onNodeClick,
  notice,
  fitKey,
}: DesignerCanvasProps) {
  const { t } = useTranslation();
  const { screenToFlowPosition, fitView, getNodes, getNodesBounds, getViewport } = useReactFlow<
    PipelineFlowNode,
    PipelineFlowEdge
  >();
  const wrapper = useRef<HTMLDivElement>(null);
  const [drop, setDrop] = useState<DropSpot | null>(null);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [nodes, setNodes] = useState<PipelineFlowNode[]>([]);
  const { graph, positions, selection } = state;

  useLayoutEffect(() => {
    setNodes((previous) => buildFlowNodes({ graph, positions, selection, issues, counts, drop }, previous));
  }, [graph, positions, selection, issues, counts, drop]);
  const edges = useMemo(() => buildFlowEdges(graph, drop), [graph, drop]);

  // When the canvas gets narrower or shorter (the properties open, a panel below), nodes it cut
  // off are framed again; a narrow canvas has no room for the minimap.
  const [roomy, setRoomy] = useState(true);
  useEffect(() => {
    const element = wrapper.current;
    if (!element) return;
    let frame = 0;
    let size = { width: element.clientWidth, height: element.clientHeight };
    const observer = new ResizeObserver(() => {
      setRoomy(element.clientWidth >= MINIMAP_MIN_WIDTH);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const was = size;
        size = { width: element.clientWidth, height: element.clientHeight };
        const shown = getNodes();
        if (shown.length === 0 || size.width === 0) return;
        const bounds = getNodesBounds(shown);
        const { x, y, zoom } = getViewport();
        const cutAt = ({ width, height }: { width: number; height: number }) =>
          bounds.x * zoom + x < 0 ||
          bounds.y * zoom + y < 0 ||
          (bounds.x + bounds.width) * zoom + x > width ||
          (bounds.y + bounds.height) * zoom + y > height;
        // Only a flow that was all in view is framed again (a user zoomed in on a part stays there).
        if (cutAt(size) && (was.width === 0 || !cutAt(was))) void fitView(openingFit(shown));
      });
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [fitView, getNodes, getNodesBounds, getViewport]);

  useEffect(() => {
    if (fitKey === 0) return;
    const frame = requestAnimationFrame(() => {
      // A hidden canvas (the YAML view) has no size to fit into; it is framed when shown.
      if (wrapper.current && wrapper.current.clientWidth > 0) void fitView(openingFit(getNodes()));
    });
    return () => cancelAnimationFrame(frame);
  }, [fitKey, fitView, getNodes]);

  // The latest of everything the document-wide listeners below need.
  const live = useRef({ readOnly, notice, t });
  live.current = { readOnly, notice, t };

  const report = useCallback((result: ActionResult) => {
    if (!result.ok) live.current.notice(live.current.t('designer.edit_failed', { message: result.message }));
  }, []);
  /** Runs an edit unless the YAML does not parse (then says so). */
  const editing = useCallback(
    (run: () => ActionResult) => {
      if (live.current.readOnly) live.current.notice(live.current.t('designer.read_only'));
      else report(run());
    },
    [report],
  );
  const copy = useCallback(() => {
    const text = model.copySelection();
    if (text !== null) lastCopied = text;
    return text;
  }, [model]);

  // Keys and the clipboard act on the canvas while it was the last thing the user pointed at.
  useEffect(() => {
    let active = false;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as globalThis.Node;
      active = wrapper.current?.contains(target) ?? false;
      if (!(target instanceof Element && target.closest('.designer-menu'))) setMenu(null);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (!active || event.defaultPrevented || isEditable(event.target)) return;
      const key = event.key.toLowerCase();
      const mod = event.ctrlKey || event.metaKey;
      if (key === 'delete' || key === 'backspace') editing(() => model.deleteSelection());
      else if (mod && key === 'z' && !event.shiftKey) model.undo();
      else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) model.redo();
      else if (mod && key === 'a') model.select(model.getState().graph.nodes.map((node) => node.uid));
      else if (key === 'escape') {
        model.select([]);
        setMenu(null);
      } else return;
      event.preventDefault();
    };
    const onCopy = (event: ClipboardEvent) => {
      if (!active || isEditable(event.target)) return;
      const text = copy();
      if (text === null || !event.clipboardData) return;
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (!active || isEditable(event.target)) return;
      const text = event.clipboardData?.getData('text/plain') || lastCopied;
      if (!text) return;
      event.preventDefault();
      editing(() => model.paste(text));
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [model, editing, copy]);

  const onNodesChange = useCallback(
    (changes: NodeChange<PipelineFlowNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      const now = model.getState();
      const moved: Record<string, NodePosition> = {};
      let chosen: Set<string> | null = null;
      for (const change of changes) {
        if (change.type === 'position' && change.dragging === false && change.position) {
          const was = now.positions[change.id];
          if (!was || was.x !== change.position.x || was.y !== change.position.y)
            moved[change.id] = change.position;
        } else if (change.type === 'select') {
          chosen ??= new Set(now.selection);
          if (change.selected) chosen.add(change.id);
          else chosen.delete(change.id);
        }
      }
      if (Object.keys(moved).length > 0) model.moveNodes(moved);
      if (chosen && !sameMembers(chosen, now.selection)) model.select([...chosen]);
    },
    [model],
  );

  const pathOf = useCallback(
    (uid: string) => model.getState().graph.nodes.find((node) => node.uid === uid)?.id ?? '',
    [model],
  );
  const isValidConnection = useCallback(
    (connection: PipelineFlowEdge | Connection) =>
      connectionEdits(model.getState().graph, pathOf(connection.source), pathOf(connection.target)).ok,
    [model, pathOf],
  );
  const onConnect = useCallback(
    (connection: Connection) => {
      const { graph: now, positions: placed } = model.getState();
      const outcome = connectionEdits(now, pathOf(connection.source), pathOf(connection.target), placed);
      if (outcome.ok) editing(() => model.applyCanvasEdit(outcome.edits, outcome.placed));
    },
    [model, pathOf, editing],
  );
  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, connection) => {
      if (
        connection.isValid !== false ||
        !connection.toNode ||
        !connection.fromNode ||
        !connection.fromHandle
      )
        return;
      const [source, target] =
        connection.fromHandle.type === 'source'
          ? [connection.fromNode.id, connection.toNode.id]
          : [connection.toNode.id, connection.fromNode.id];
      const outcome = connectionEdits(model.getState().graph, pathOf(source), pathOf(target));
      if (!outcome.ok) notice(t('designer.connect_refused', { reason: refusalText(t, outcome.refusal) }));
    },
    [model, pathOf, notice, t],
  );

  const openMenu = (event: ReactMouseEvent | MouseEvent, pane: boolean) => {
    event.preventDefault();
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    setMenu({ x: event.clientX - box.left, y: event.clientY - box.top, pane });
  };

  const dropPoint = (event: DragEvent) => screenToFlowPosition({ x: event.clientX, y: event.clientY });
  const onDragOver = (event: DragEvent) => {
    if (!dragged || readOnly) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    const spot = findDropSpot(graph, positions, dropPoint(event), dragged.kind);
    setDrop((was) => (JSON.stringify(was) === JSON.stringify(spot) ? was : spot));
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDrop(null);
    if (!dragged) return;
    if (readOnly) {
      notice(t('designer.read_only'));
      return;
    }
    const point = dropPoint(event);
    onDropComponent(dragged, findDropSpot(graph, positions, point, dragged.kind), point);
  };

  const selectedNodes = graph.nodes.filter((node) => selection.includes(node.uid));
  const onlyProcessors = selectedNodes.length > 0 && selectedNodes.every((node) => node.kind === 'processor');
  const menuAction = (run: () => void) => () => {
    setMenu(null);
    run();
  };

  return (
    <div
      ref={wrapper}
      className={`designer-canvas${readOnly ? ' read-only' : ''}`}
      data-testid="flow-graph"
      aria-label={t('designer.canvas_label')}
    >
      <ReactFlow<PipelineFlowNode, PipelineFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeClick={(_, node) => onNodeClick?.(node.data.node.id)}
        onNodeContextMenu={(event, node) => {
          if (!node.selected) model.select([node.id]);
          openMenu(event, false);
        }}
        onSelectionContextMenu={(event) => openMenu(event, false)}
        onPaneContextMenu={(event) => openMenu(event, true)}
        onPaneClick={() => setMenu(null)}
        onMoveStart={() => setMenu(null)}
        onDragOver={onDragOver}
        onDragLeave={(event) => {
          if (!wrapper.current?.contains(event.relatedTarget as globalThis.Node | null)) setDrop(null);
        }}
        onDrop={onDrop}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        onlyRenderVisibleElements={nodes.length > 100}
        fitView
        fitViewOptions={openingFit(nodes)}
        minZoom={0.1}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
        {roomy && (
          <MiniMap
            pannable
            zoomable
            style={{ width: 150, height: 96 }}
            nodeStrokeWidth={3}
            nodeColor={(node) =>
              node.data.status === 'error'
                ? '#c62828'
                : node.data.status === 'warning'
                  ? '#d97706'
                  : '#9aa4b2'
            }
          />
        )}
        <ConnectionHint graph={graph} />
      </ReactFlow>
      {menu && (
        <div
          className="designer-menu"
          role="menu"
          data-testid="canvas-menu"
          style={{ left: menu.x, top: menu.y }}
          onContextMenu={(event) => event.preventDefault()}
        >
          {!menu.pane && (
            <>
              <button
                type="button"
                role="menuitem"
                data-testid="menu-delete"
                disabled={readOnly}
                onClick={menuAction(() => editing(() => model.deleteSelection()))}
              >
                {t('designer.menu_delete')} <kbd>Del</kbd>
              </button>
              <button
                type="button"
                role="menuitem"
                data-testid="menu-copy"
                onClick={menuAction(() => {
                  const text = copy();
                  if (text !== null) void navigator.clipboard?.writeText(text).catch(() => undefined);
                })}
              >
                {t('designer.menu_copy')} <kbd>Ctrl+C</kbd>
              </button>
              <button
                type="button"
                role="menuitem"
                data-testid="menu-duplicate"
                disabled={readOnly || !onlyProcessors}
                onClick={menuAction(() => {
                  const text = copy();
                  if (text !== null) editing(() => model.paste(text));
                })}
              >
                {t('designer.menu_duplicate')}
              </button>
            </>
          )}
          <button
            type="button"
            role="menuitem"
            data-testid="menu-paste"
            disabled={readOnly}
            onClick={menuAction(() => {
              const paste = (text: string | null) => {
                if (text) editing(() => model.paste(text));
              };
              (navigator.clipboard?.readText() ?? Promise.reject(new Error('no clipboard'))).then(
                (text) => paste(text || lastCopied),
                () => paste(lastCopied),
              );
            })}
          >
            {t('designer.menu_paste')} <kbd>Ctrl+V</kbd>
          </button>
        </div>
      )}
    </div>
  );
}
