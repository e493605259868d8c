#!/usr/bin/env -S node --max-semi-space-size=64
// The `fustgo` command. The CLI is compiled by `npm run build` (run automatically by `npm install`).
// The V8 flag gives `fustgo run`, which moves data in this process, the young generation run
// processes get (RUN_V8_FLAGS in src-main/jobs/run-protocol.ts); it only caps growth, so the
// other commands pay nothing for it.
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
