import { useEffect, useRef } from 'react';
import type { ConfigProblem } from '../../src-shared/api/model';
import { api } from '../api/client';
import { registerCatalogCompletions } from './catalog-completions';
import { createCodeEditor, monaco } from './monaco';
import { loadPipelineSchema, pipelineModelUri } from './pipeline-schema';
import { textChange } from './text-change';

export interface YamlEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Shown as error markers (squiggles and the overview ruler). */
  problems: ConfigProblem[];
  /** Bumped to move the cursor to `reveal`. */
  reveal?: { line: number; col: number; token: number } | null;
}

const MARKER_OWNER = 'fustgo-validate';

/** The pipeline YAML in Monaco: edits flow out through `onChange`, problems come in as markers. */
export function YamlEditor({ value, onChange, problems, reveal }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    registerCatalogCompletions(api);
    void loadPipelineSchema(api);
    const { editor: instance, dispose } = createCodeEditor(
      host.current,
      value,
      'yaml',
      (text) => onChangeRef.current(text),
      pipelineModelUri(),
    );
    editor.current = instance;
    return () => {
      dispose();
      editor.current = null;
    };
    // The editor is created once; later `value` changes are applied below without recreating it.
  }, []);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    // A change from elsewhere (the canvas, an import) as the smallest edit: the cursor stays put.
    const change = textChange(model.getValue(), value);
    if (!change) return;
    const range = monaco.Range.fromPositions(
      model.getPositionAt(change.start),
      model.getPositionAt(change.oldEnd),
    );
    model.pushEditOperations([], [{ range, text: change.text }], () => null);
  }, [value]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      problems.map((problem) => {
        const line = Math.min(Math.max(problem.line, 1), model.getLineCount());
        const col = Math.max(problem.col, 1);
        return {
          severity: monaco.MarkerSeverity.Error,
          message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
          startLineNumber: line,
          startColumn: col,
          endLineNumber: line,
          endColumn: Math.max(model.getLineMaxColumn(line), col + 1),
        };
      }),
    );
  }, [problems]);

  useEffect(() => {
    const instance = editor.current;
    if (!instance || !reveal) return;
    instance.revealLineInCenter(reveal.line);
    instance.setPosition({ lineNumber: reveal.line, column: Math.max(reveal.col, 1) });
    instance.focus();
  }, [reveal]);

  return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
}
