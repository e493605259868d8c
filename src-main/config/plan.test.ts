import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { defineInput, silentLogger } from '../engine/component';
import { loadAndValidate } from './check';
import { buildPlan } from './plan';
import { ConfigErrors, formatProblem } from './problem';
import { testComponents, testRegistry } from './testdata/test-components';
import { createWorkspace } from './testdata/workspace';

let ws: Awaited<ReturnType<typeof createWorkspace>>;
beforeEach(async () => {
  ws = await createWorkspace();
});
afterEach(async () => {
  await ws.dispose();
});

const logger = silentLogger;
const signal = new AbortController().signal;

/** Records what its factory was given, so tests can see defaults and the context. */
function recordingInput() {
  const created: { config: unknown; baseDir: string; jobName: string }[] = [];
  const spec = defineInput({
    name: 'generate',
    category: 'testing',
    title: 'Generate',
    description: 'Records its config.',
    status: 'stable',
    schema: Type.Object({ count: Type.Integer({ default: 10 }), columns: Type.Array(Type.String()) }),
    create(config, ctx) {
      created.push({ config, baseDir: ctx.baseDir, jobName: ctx.jobName });
      return { plan: async () => ({ lanes: 1 }), read: async function* () {} };
    },
  });
  return { spec, created };
}

const text = `version: 1
input: { type: generate, columns: [id, qty] }
pipeline:
  processors:
    - type: filter
      condition: qty
output:
  type: file
  path: out.csv
`;

describe('buildPlan', () => {
  it('creates every component with schema defaults, in flow order, one lane by default', async () => {
    const { spec, created } = recordingInput();
    const registry = testRegistry([spec, ...testComponents.filter((c) => c.kind !== 'input')]);
    const file = await ws.write('orders.yaml', text);
    const checked = await loadAndValidate(file, registry, { env: {} });
    if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
    const plan = await buildPlan(checked.loaded, registry, { logger, signal });
    expect(created).toEqual([
      { config: { count: 10, columns: ['id', 'qty'] }, baseDir: ws.dir, jobName: 'orders' },
    ]);
    expect(plan.processors.map((p) => p.path)).toEqual(['pipeline.processors[0]']);
    expect(plan.channels).toBe(1);
    expect(plan.buffer).toBeUndefined();
  });

  it('honours --set for lanes and buffer', async () => {
    const file = await ws.write('orders.yaml', text);
    const checked = await loadAndValidate(file, testRegistry(), {
      env: {},
      set: ['pipeline.channels=3', 'pipeline.buffer=8'],
    });
    if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
    const plan = await buildPlan(checked.loaded, testRegistry(), { logger, signal });
    expect([plan.channels, plan.buffer]).toEqual([3, 8]);
  });

  it('reads error_limit and dead_letter, the path relative to the pipeline file', async () => {
    const file = await ws.write('orders.yaml', text);
    const load = (set: string[]) => loadAndValidate(file, testRegistry(), { env: {}, set });
    const checked = await load(['pipeline.error_limit=100', 'pipeline.dead_letter.path=bad/rows.jsonl']);
    if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
    const plan = await buildPlan(checked.loaded, testRegistry(), { logger, signal });
    expect([plan.errorLimit, plan.deadLetterPath]).toEqual([{ rows: 100 }, `${ws.dir}/bad/rows.jsonl`]);
    const percent = await load(['pipeline.error_limit=0.5%']);
    if (!percent.ok) throw new Error(percent.problems.map(formatProblem).join('\n'));
    const defaults = await buildPlan(percent.loaded, testRegistry(), { logger, signal });
    expect([defaults.errorLimit, defaults.deadLetterPath]).toEqual([{ percent: 0.5 }, undefined]);
    for (const bad of ['-1', '150%', 'some', '1.5'])
      expect(await load([`pipeline.error_limit=${bad}`])).toMatchObject({
        ok: false,
        problems: [
          {
            path: 'pipeline.error_limit',
            message: 'must be a count of rows (100) or a percentage of the rows read ("1%", at most 100%)',
          },
        ],
      });
    const unknown = await load(['pipeline.dead_letter.file=x']);
    expect(unknown.ok ? [] : unknown.problems.map(formatProblem)).toEqual([
      '--set: pipeline.dead_letter: missing required field "path"',
      '--set: pipeline.dead_letter.file: unknown field (known fields: path)',
    ]);
  });

  it("gives each processor its path, type and on_error (the processor's own config without it)", async () => {
    const file = await ws.write(
      'orders.yaml',
      text.replace(
        'condition: qty\n',
        'condition: qty\n      on_error: fail\n    - type: filter\n      condition: id\n',
      ),
    );
    const checked = await loadAndValidate(file, testRegistry(), { env: {} });
    if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
    const plan = await buildPlan(checked.loaded, testRegistry(), { logger, signal });
    expect(plan.processors.map(({ path, type, onError }) => ({ path, type, onError }))).toEqual([
      { path: 'pipeline.processors[0]', type: 'filter', onError: 'fail' },
      { path: 'pipeline.processors[1]', type: 'filter', onError: undefined },
    ]);
  });

  it('turns a FieldError from a factory into a located ConfigErrors', async () => {
    const file = await ws.write('orders.yaml', text.replace('path: out.csv', 'path: "out\\0.csv"'));
    const checked = await loadAndValidate(file, testRegistry(), { env: {} });
    if (!checked.ok) throw new Error(checked.problems.map(formatProblem).join('\n'));
    const error = await buildPlan(checked.loaded, testRegistry(), { logger, signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigErrors);
    expect((error as ConfigErrors).message).toBe('orders.yaml:9:3: output.path: must not contain NUL');
  });

  it('reports a missing variable together with every other problem', async () => {
    const file = await ws.write(
      'orders.yaml',
      text.replace('condition: qty', 'condition: qtty').replace('path: out.csv', 'path: ${OUT}/out.csv'),
    );
    const checked = await loadAndValidate(file, testRegistry(), { env: {} });
    expect(checked.ok ? [] : checked.problems.map(formatProblem)).toEqual([
      'orders.yaml:9:3: output.path: environment variable "OUT" is not set',
      'orders.yaml:6:18: pipeline.processors[0].condition: unknown column "qtty" (did you mean "qty"?)',
    ]);
  });

  it('refuses an invalid config', async () => {
    const file = await ws.write('orders.yaml', text.replace('condition: qty', 'condition: qtty'));
    const checked = await loadAndValidate(file, testRegistry(), { env: {} });
    expect(checked.ok ? [] : checked.problems.map(formatProblem)).toEqual([
      'orders.yaml:6:18: pipeline.processors[0].condition: unknown column "qtty" (did you mean "qty"?)',
    ]);
  });
});
