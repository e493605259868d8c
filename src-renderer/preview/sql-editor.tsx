import { useEffect, useRef } from 'react';
import 'monaco-editor/languages/definitions/sql/register';
import { monaco } from '../yaml/monaco';

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
    const instance = monaco.editor.create(host.current, {
      value,
      language: 'sql',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      fontFamily:
        'ui-monospace, "JetBrains Mono", "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
      lineNumbersMinChars: 3,
      scrollBeyondLastLine: false,
      tabSize: 2,
      renderLineHighlight: 'line',
      fixedOverflowWidgets: true,
      wordWrap: 'on',
    });
    editor.current = instance;
    const subscription = instance.onDidChangeModelContent(() => onChangeRef.current(instance.getValue()));
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => onRunRef.current());
    return () => {
      subscription.dispose();
      // The editor first: disposing its model first leaves it to touch a disposed model.
      const model = instance.getModel();
      instance.dispose();
      model?.dispose();
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
