import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

// Monaco runs its editor worker from the bundle (no CDN, CSP-friendly): YAML needs no language worker.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
