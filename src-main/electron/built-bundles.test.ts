import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * What no test can catch at run time without Electron: the built bundles must fit how
 * Electron loads them. Checked statically after `npm run build`.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, 'out');
const read = (path: string) => readFileSync(join(out, path), 'utf8');

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Module specifiers a bundle loads: static and dynamic imports, re-exports and requires. */
function specifiers(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bimport\s*(?:[\w*${}\s,]+from\s*)?["']([^"']+)["']/g,
    /\bexport\s*[\w*${}\s,]+from\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  // The patterns also meet prose in string literals (`import ", "`); keep what can name a module.
  return [...found].filter((specifier) => /^[\w@./:-]+$/.test(specifier));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe.skipIf(!existsSync(join(out, 'main')) || !existsSync(join(out, 'preload')))('built bundles', () => {
  it('the sandboxed preload is one CommonJS file requiring only electron', () => {
    const preload = read('preload/index.cjs');
    expect(preload).not.toMatch(/^\s*import[\s{*]/m);
    expect(preload).not.toMatch(/^\s*export\s/m);
    const required = [...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld');
  });

  it('the main bundle forks the run worker, which is its own entry', () => {
    expect(read('main/index.js')).toContain('run-worker.js');
    expect(existsSync(join(out, 'main', 'run-worker.js'))).toBe(true);
    expect(existsSync(join(out, 'main', 'cli.js'))).toBe(true);
  });

  it('every package the main bundle leaves external is a runtime dependency', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const external = new Set<string>();
    for (const file of jsFiles(join(out, 'main'))) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
        const name = packageName(specifier);
        // Electron provides itself at run time.
        if (!builtins.has(name) && name !== 'electron') external.add(name);
      }
    }
    const missing = [...external].filter((name) => !(name in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});
