import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from './yaml.worker?worker';

// Monaco runs its workers from the bundle (no CDN, CSP-friendly): the editor worker here, the YAML
// language worker through `yamlMonaco` below.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };

/** What monaco-yaml 5 passes to `createWebWorker`: the options Monaco took before 0.55. */
interface LegacyWorkerOptions {
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
}

/**
 * Monaco as monaco-yaml is to see it. monaco-yaml 5 asks `createWebWorker({ moduleId, label,
 * createData })` for its worker, which the ESM `editor.api` of Monaco 0.55+ no longer takes (it
 * wants the Worker; remcohaszing/monaco-yaml#272): this starts the bundled YAML worker and hands its
 * settings over the way Monaco's own language workers are started (`internal/common/workers.js`).
 */
export const yamlMonaco: typeof monaco = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker: ((options: LegacyWorkerOptions) => {
      const worker = new YamlWorker();
      // As Monaco starts its own: a first message sets the worker up, the second carries the settings.
      worker.postMessage('ignore');
      worker.postMessage(options.createData);
      return monaco.editor.createWebWorker({
        worker,
        host: options.host,
        keepIdleModels: options.keepIdleModels,
      });
    }) as typeof monaco.editor.createWebWorker,
  },
};

/** A code editor as the studio shows them (YAML, SQL), reporting every edit. */
export function createCodeEditor(
  host: HTMLElement,
  value: string,
  language: string,
  onChange: (value: string) => void,
  /** The model's URI, for language services that pick models by name (the pipeline schema); default a fresh one. */
  uri?: monaco.Uri,
): { editor: monaco.editor.IStandaloneCodeEditor; dispose(): void } {
  const editor = monaco.editor.create(host, {
    model: monaco.editor.createModel(value, language, uri),
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
