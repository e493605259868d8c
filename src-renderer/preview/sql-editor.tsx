import { useEffect, useRef } from 'react';
import 'monaco-editor/languages/definitions/sql/register';
import { createCodeEditor, monaco } from '../yaml/monaco';

export interface SqlEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Ctrl+Enter (⌘+Enter on macOS): run the query. */
  onRun: () => void;
}

/** A SQL query in Monaco with SQL highlighting; Ctrl+Enter runs it. */
export function SqlEditor({ value, onChange, onRun }: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const onChangeRef = useRef(onChange);
  const onRunRef = useRef(onRun);
  onChangeRef.current = onChange;
  onRunRef.current = onRun;

  useEffect(() => {
    if (!host.current) return;
    const { editor: instance, dispose } = createCodeEditor(host.current, value, 'sql', (text) =>
      onChangeRef.current(text),
    );
    editor.current = instance;
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => onRunRef.current());
    return () => {
      dispose();
      editor.current = null;
    };
    // Created once; later `value` changes are applied below without recreating the editor.
  }, []);

  useEffect(() => {
    const instance = editor.current;
    if (instance && instance.getValue() !== value) instance.setValue(value);
  }, [value]);

  return <div className="sql-editor" ref={host} data-testid="sql-editor" />;
}
