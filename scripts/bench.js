#!/usr/bin/env node
// `npm run bench`: end-to-end throughput of the connectors and processors that exist, each
// pipeline run through the real CLI (`fustgo run`) as users run it, several times; prints
// medians of rows/s and peak RSS as a Markdown table for BENCHMARKS.md.
//
//   npm run bench                 1,000,000 rows, 3 runs per case
//   npm run bench -- --rows 200000 --runs 5
//
// Peak RSS is the run process's VmHWM from /proc, sampled until it exits (Linux only).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'fustgo.js');
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);

if (!existsSync(join(root, 'out', 'main', 'cli.js'))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const dir = mkdtempSync(join(tmpdir(), 'fustgo-bench-'));

const orders = `
  count: ${rows}
  seed: 20240601
  batch_size: 1000
  columns:
    - { name: id, generator: sequence }
    - { name: user_id, generator: random_int, min: 1, max: 100000 }
    - { name: qty, generator: random_int, min: 0, max: 9 }
    - { name: price, generator: decimal, min: 1, max: 999, scale: 2 }
    - { name: status, generator: choice, values: [paid, pending, shipped, void], weights: [5, 2, 2, 1] }
    - { name: note, generator: string, length: 24, null_rate: 0.1 }
    - { name: created_at, generator: timestamp, start: '2024-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' }`;

/** Each case: a pipeline YAML; later cases read what earlier ones wrote. */
const cases = [
  {
    name: 'generate → CSV',
    yaml: `version: 1\ninput:\n  type: generate${orders}\noutput: { type: file, path: orders.csv }\n`,
  },
  {
    name: 'generate → filter → mapping → CSV, 2 lanes',
    yaml: `version: 1\ninput:\n  type: generate${orders}
pipeline:
  channels: 2
  processors:
    - { type: filter, condition: "qty > 0 AND status <> 'void'" }
    - { type: mapping, fields: { order_id: id, customer_id: user_id, qty: qty, price: price, status: status } }
output: { type: file, path: paid.csv }\n`,
  },
  {
    name: 'CSV → SQLite (insert, create table)',
    yaml: `version: 1\ninput: { type: file, path: orders.csv }
output:
  type: sqlite
  path: orders.db
  write: { table: orders, mode: insert, create_table: true, batch_size: 5000 }\n`,
    // Insert into a fresh table every run.
    before: () => rmSync(join(dir, 'orders.db'), { force: true }),
  },
  {
    name: 'SQLite → JSON Lines',
    yaml: `version: 1\ninput: { type: sqlite, path: orders.db, query: { table: orders }, fetch: { size: 5000 } }
output: { type: file, path: orders.jsonl }\n`,
  },
  {
    name: 'CSV → filter → gzip CSV',
    yaml: `version: 1\ninput: { type: file, path: orders.csv }
pipeline:
  processors:
    - { type: filter, condition: "status IN ('paid', 'shipped') AND price > 100" }
output: { type: file, path: big-orders.csv.gz }\n`,
  },
];

/** Runs one pipeline; resolves with the rows read, seconds taken and peak RSS in MB. */
function runOnce(file) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // The command itself, as users run it (its shebang sets the V8 flags).
    const child = spawn(cli, ['run', file], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let peakKb = 0;
    // The CLI hands the run to no other process: its VmHWM is the pipeline's peak memory.
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // Exited between samples.
      }
    }, 20);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sample);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const read = /read ([\d,]+)/.exec(out);
      if (code !== 0 || !read) return reject(new Error(`${file} exited ${code}:\n${out}`));
      resolve({ read: Number(read[1].replaceAll(',', '')), seconds, peakMb: peakKb / 1024 });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
try {
  for (const [i, c] of cases.entries()) {
    const file = join(dir, `case-${i}.yaml`);
    writeFileSync(file, c.yaml);
    const samples = [];
    for (let r = 0; r < runs; r++) {
      c.before?.();
      samples.push(await runOnce(file));
    }
    const result = {
      name: c.name,
      rows: samples[0].read,
      seconds: median(samples.map((s) => s.seconds)),
      rowsPerSecond: median(samples.map((s) => s.read / s.seconds)),
      peakMb: median(samples.map((s) => s.peakMb)),
    };
    results.push(result);
    console.error(
      `${c.name}: ${Math.round(result.rowsPerSecond).toLocaleString('en-US')} rows/s, ${result.peakMb.toFixed(0)} MB`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\n${rows.toLocaleString('en-US')} rows, median of ${runs} runs, wall time of \`fustgo run\` (process start included); ` +
    `${cpus().length} cores, Node ${process.version}\n`,
);
console.log('| pipeline | rows read | seconds | rows/s | peak RSS |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.rows.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ` +
      `${Math.round(r.rowsPerSecond).toLocaleString('en-US')} | ${r.peakMb.toFixed(0)} MB |`,
  );
}
