#!/usr/bin/env node
// The `fustgo` command. The CLI is compiled by `npm run build` (run automatically by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(
    'fustgo: the CLI is not built yet; run `npm install` (or `npm run build`) in the project folder',
  );
  process.exit(2);
}
await import(cli);
