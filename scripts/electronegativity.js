#!/usr/bin/env node
// Runs Electronegativity (offline, against our Electron version) over the built desktop entry,
// preload and renderer page, prints every finding, and fails on any HIGH or MEDIUM one.
// Its CLI breaks on the commander version hoisted here, so this calls its runner directly.
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
  if (!existsSync(join(root, f))) {
    console.error(`electronegativity: ${f} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}

// Scan only our own code: the main bundle's chunks, the preload and the page, not vendored renderer bundles.
const scanDir = mkdtempSync(join(tmpdir(), 'fustgo-electronegativity-'));
cpSync(join(root, 'out/main'), join(scanDir, 'main'), { recursive: true });
cpSync(join(root, 'out/preload'), join(scanDir, 'preload'), { recursive: true });
cpSync(join(root, 'out/renderer/index.html'), join(scanDir, 'renderer/index.html'));
cpSync(join(root, 'package.json'), join(scanDir, 'package.json'));

const run = require('@doyensec/electronegativity');
const quietLog = console.log;
console.log = () => {}; // the runner chats about progress on stdout even when not in CLI mode
let result;
try {
  result = await run(
    {
      input: scanDir,
      customScan: [],
      excludeFromScan: [],
      parserPlugins: [],
      electronVersionOverride: electronVersion,
      isRelative: true,
      isVerbose: false,
    },
    false,
  );
} finally {
  console.log = quietLog;
  rmSync(scanDir, { recursive: true, force: true });
}

// Findings that only ask for a manual review, and the review's outcome. Anything else HIGH or
// MEDIUM fails the run; a new kind of finding needs a fix or a review written down here.
const reviewed = {
  PRELOAD_JS_CHECK:
    'src-preload/index.ts exposes one function per declared StudioApi route and ' +
    'onEvent(listener) through contextBridge; no Node or Electron objects reach the page.',
};

const severityName = (issue) => String(issue.severity?.name ?? issue.severity).toUpperCase();
const serious = [];
for (const issue of result.issues) {
  const sev = severityName(issue);
  const where = `${issue.file}:${issue.location?.line ?? 0}:${issue.location?.column ?? 0}`;
  console.log(`${sev.padEnd(13)} ${issue.id.padEnd(40)} ${where}${issue.manualReview ? ' (review)' : ''}`);
  if (reviewed[issue.id] && issue.manualReview) console.log(`              reviewed: ${reviewed[issue.id]}`);
  else if (sev === 'HIGH' || sev === 'MEDIUM') serious.push(issue);
}
for (const error of result.errors)
  console.log(`parse ${error.tolerable ? 'warning' : 'error'}: ${error.file}: ${error.message}`);
console.log(
  `electronegativity ${electronVersion}: ${result.issues.length} finding(s), ${serious.length} high/medium ` +
    `(${result.atomicChecks} atomic + ${result.globalChecks} global checks)`,
);
process.exit(serious.length > 0 ? 1 : 0);
