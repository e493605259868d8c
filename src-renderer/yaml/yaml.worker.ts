// The YAML language worker of monaco-yaml (yaml-language-server), bundled from this file with
// Vite's `?worker` as monaco-yaml advises for Vite (a direct `?worker` import of the package fails).
import 'monaco-yaml/yaml.worker.js';
