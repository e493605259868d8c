import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { FlowDiagram } from '../../../src-shared/api/model';
import { createDesignerModel, type DesignerModel, type DesignerState } from '../designer-model';
import { positionsByPath, type DesignerGraph, type Positions } from '../node-identity';

/*
 * One designer model per mounted workspace, kept in step with the YAML its parent holds: the
 * parent's text is the truth the page saves, the model derives the graph from it. Text the parent
 * sets (or the editor types) goes into the model; text the model writes (a canvas edit, an undo)
 * goes out through `onChange`. Moving nodes reports the positions by config path, for the job's
 * flow diagram.
 */

/** Typing within this long of the last keystroke is one undo step. */
const COALESCE_MS = 1000;

export interface DesignerSession {
  model: DesignerModel;
  state: DesignerState;
  /** Replaces the whole document as one undo step of its own (Import YAML). */
  replaceText(text: string): void;
}

export interface DesignerSessionOptions {
  yaml: string;
  onChange: (yaml: string) => void;
  /** Saved positions by config path; read when the workspace mounts. */
  positions?: FlowDiagram | null;
  onPositionsChange?: (positions: FlowDiagram) => void;
}

function diagramOf(graph: DesignerGraph, positions: Positions): FlowDiagram {
  const byPath = positionsByPath(graph, positions);
  return Object.fromEntries(Object.entries(byPath).filter(([, at]) => at !== undefined));
}

export function useDesignerSession({
  yaml,
  onChange,
  positions,
  onPositionsChange,
}: DesignerSessionOptions): DesignerSession {
  const [session] = useState(() => {
    // The model's typing clock, pushed forward to end an undo step where the user did not type.
    const clock = { skew: 0 };
    const model = createDesignerModel(yaml, {
      ...(positions ? { positions } : {}),
      now: () => Date.now() + clock.skew,
      coalesceMs: COALESCE_MS,
    });
    const { graph, positions: placed } = model.getState();
    return { model, clock, diagram: JSON.stringify(diagramOf(graph, placed)) };
  });
  const { model, clock } = session;
  const state = useSyncExternalStore(model.subscribe, model.getState);

  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onPositionsRef = useRef(onPositionsChange);
  onPositionsRef.current = onPositionsChange;
  const parentText = useRef(yaml);

  useEffect(() => {
    if (yaml !== parentText.current) {
      // The parent changed the text (the editor typed, or the page set it): the model follows.
      parentText.current = yaml;
      if (yaml !== model.getState().yamlText) model.applyYamlText(yaml);
      return;
    }
    const text = model.getState().yamlText;
    if (text !== yaml) onChangeRef.current(text);
  }, [yaml, state.yamlText, model]);

  useEffect(() => {
    const diagram = diagramOf(state.graph, state.positions);
    const key = JSON.stringify(diagram);
    if (key === session.diagram) return;
    session.diagram = key;
    onPositionsRef.current?.(diagram);
  }, [state.graph, state.positions, session]);

  return {
    model,
    state,
    replaceText(text) {
      clock.skew += COALESCE_MS + 1;
      model.applyYamlText(text);
      clock.skew += COALESCE_MS + 1;
    },
  };
}
