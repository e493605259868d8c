#!/usr/bin/env node
// `npm start`: the desktop app when Electron's runtime and a display are available,
// otherwise the same studio served over HTTP by `fustgo serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package resolves to its binary's path, and throws when the binary was never downloaded.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

if (!existsSync(new URL('../out/main/cli.js', import.meta.url))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const binary = electronBinary();
const forward = (child) => {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
};

if (binary && hasDisplay()) {
  forward(spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' }));
} else {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  console.log(
    `FustGo Studio ${version}: ${binary ? 'no display found' : 'the Electron runtime is not installed'}; ` +
      'serving the studio in the browser instead.',
  );
  const args = ['serve', '--port', process.env.PORT ?? '8080', ...process.argv.slice(2)];
  forward(
    spawn(process.execPath, [fileURLToPath(new URL('../bin/fustgo.js', import.meta.url)), ...args], {
      stdio: 'inherit',
    }),
  );
}
