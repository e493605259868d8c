import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

// Monaco runs its editor worker from the bundle (no CDN, CSP-friendly): YAML needs no language worker.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };

/** A code editor as the studio shows them (YAML, SQL), reporting every edit. */
export function createCodeEditor(
  host: HTMLElement,
  value: string,
  language: string,
  onChange: (value: string) => void,
): { editor: monaco.editor.IStandaloneCodeEditor; dispose(): void } {
  const editor = monaco.editor.create(host, {
    value,
    language,
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
  const subscription = editor.onDidChangeModelContent(() => onChange(editor.getValue()));
  return {
    editor,
    dispose() {
      subscription.dispose();
      // The editor first: disposing its model first leaves widgets (suggestions) touching a disposed model.
      const model = editor.getModel();
      editor.dispose();
      model?.dispose();
    },
  };
}
