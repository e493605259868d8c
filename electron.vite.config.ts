import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src-main/server/content-security-policy';

/**
 * The built page carries the CSP in a <meta> tag: Electron loads it from file://, where no
 * response header can. The dev server's page is left without it (Vite injects inline scripts).
 */
function cspMetaTag(): Plugin {
  return {
    name: 'fustgo-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        // frame-ancestors is ignored in a meta tag; the server and Electron still send it as a header.
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ meta: true }) },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * One build for every host. The main bundle has three entries that share chunks:
 * - `index`: the Electron desktop entry (the only code that imports `electron`);
 * - `cli`: the `fustgo` command (validate, run, serve, plugins), run by plain Node;
 * - `run-worker`: the process a single run executes in (forked by path, never imported).
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          cli: resolve('src-main/cli/index.ts'),
          'run-worker': resolve('src-main/jobs/run-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot `require` packages or load ESM: bundle everything into one CJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react(), cspMetaTag()],
    // monaco-yaml's worker (via monaco-worker-manager) imports Monaco's editor worker by its pre-0.55
    // path, which the `exports` map of later monaco-editor versions no longer resolves (microsoft/monaco-editor#5082).
    resolve: {
      alias: { 'monaco-editor/esm/vs/editor/editor.worker.js': 'monaco-editor/editor/editor.worker' },
    },
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
