import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { defineProcessor } from '../engine/component';
import { createRegistry } from '../engine/registry';
import { loadPipelineFile } from './load';
import { formatProblem } from './problem';
import { testComponents, testRegistry } from './testdata/test-components';
import { validatePipeline } from './validate';
import { createWorkspace } from './testdata/workspace';

let ws: Awaited<ReturnType<typeof createWorkspace>>;
beforeEach(async () => {
  ws = await createWorkspace();
});
afterEach(async () => {
  await ws.dispose();
});

/** The lines `fustgo validate` would print for `main` (after writing the files). */
async function validate(
  files: Record<string, string>,
  main = Object.keys(files)[0],
  registry = testRegistry(),
) {
  for (const [name, text] of Object.entries(files)) await ws.write(name, text);
  const result = await loadPipelineFile(`${ws.dir}/${main}`, { env: {} });
  if (!result.ok) throw new Error(`did not load: ${result.problems.map(formatProblem).join('\n')}`);
  return validatePipeline(result.loaded, registry).map(formatProblem);
}

const orders = `version: 1
job:
  name: orders
input:
  type: generate
  columns: [id, qty, status]
pipeline:
  processors:
    - type: filter
      condition: qty
    - type: filter
      condition: qtty status
output:
  type: file
  path: out.csv
`;

describe('validatePipeline', () => {
  it('accepts a valid config', async () => {
    expect(await validate({ 'ok.yaml': orders.replace('qtty', 'qty') })).toEqual([]);
  });

  it('checks job.schedule as a cron expression and job.timezone as an IANA zone', async () => {
    const scheduled = (schedule: string, timezone: string) =>
      orders
        .replace('qtty', 'qty')
        .replace(
          'job:\n  name: orders',
          `job:\n  name: orders\n  schedule: "${schedule}"\n  timezone: ${timezone}`,
        );
    expect(await validate({ 'ok.yaml': scheduled('0 2 * * 1-5', 'Asia/Shanghai') })).toEqual([]);
    expect(await validate({ 'bad.yaml': scheduled('0 25 * * *', 'Asia/Shangai') })).toEqual([
      'bad.yaml:4:3: job.schedule: not a cron expression: Invalid value for hour: 25',
      'bad.yaml:5:3: job.timezone: unknown time zone "Asia/Shangai" (an IANA name such as Asia/Shanghai)',
    ]);
  });

  it('checks processors against the columns the input declares', async () => {
    expect(await validate({ 'orders.yaml': orders })).toEqual([
      'orders.yaml:12:18: pipeline.processors[1].condition: unknown column "qtty" (did you mean "qty"?)',
    ]);
  });

  it('still checks columns when a setting outside the chain is wrong', async () => {
    const text = orders.replace('pipeline:\n', 'pipeline:\n  channels: two\n');
    expect(await validate({ 'c.yaml': text })).toEqual([
      'c.yaml:8:3: pipeline.channels: must be integer',
      'c.yaml:13:18: pipeline.processors[1].condition: unknown column "qtty" (did you mean "qty"?)',
    ]);
  });

  it('points inside a quoted value, and at the key with the character when the text is not verbatim', async () => {
    expect(
      await validate({ 'q.yaml': orders.replace('condition: qtty status', "condition: 'qty sttus'") }),
    ).toEqual([
      'q.yaml:12:23: pipeline.processors[1].condition: unknown column "sttus" (did you mean "status"?)',
    ]);
    const folded = orders.replace('condition: qtty status', 'condition: >-\n        qty\n        sttus');
    expect(await validate({ 'f.yaml': folded })).toEqual([
      'f.yaml:12:7: pipeline.processors[1].condition: unknown column "sttus" (did you mean "status"?) (at character 5)',
    ]);
  });

  it('chains columns through processors and places nested field errors', async () => {
    const text = `version: 1
input: { type: generate, columns: [id, user_id] }
pipeline:
  processors:
    - type: mapping
      fields:
        order_id: id
        customer: user_id
    - type: filter
      condition: order_id custmer
output: { type: file, path: out.csv }
`;
    expect(await validate({ 'm.yaml': text })).toEqual([
      'm.yaml:10:27: pipeline.processors[1].condition: unknown column "custmer" (did you mean "customer"?)',
    ]);
    expect(await validate({ 'n.yaml': text.replace('customer: user_id', 'customer: usr_id') })).toEqual([
      'n.yaml:8:9: pipeline.processors[0].fields.customer: unknown column "usr_id" (did you mean "user_id"?)',
    ]);
  });

  it('takes on_error beside the type of every processor, and names a wrong one at its place', async () => {
    const text = orders
      .replace('condition: qty\n', 'condition: qty\n      on_error: skip\n')
      .replace('condition: qtty status', 'condition: qty\n      on_error: drop');
    expect(await validate({ 'e.yaml': text })).toEqual([
      'e.yaml:14:7: pipeline.processors[1].on_error: must be one of: "fail", "skip", "dead_letter"',
    ]);
    // Checked beside `type`, never as a field of the processor's own schema; columns still checked.
    const mapping = `version: 1
input: { type: generate, columns: [id] }
pipeline:
  processors:
    - { type: mapping, on_error: fail, fields: { key: idd } }
output: { type: file, path: out.csv }
`;
    expect(await validate({ 'm.yaml': mapping })).toEqual([
      'm.yaml:5:50: pipeline.processors[0].fields.key: unknown column "idd" (did you mean "id"?)',
    ]);
  });

  it('reports any other error a processor throws at the processor', async () => {
    const broken = defineProcessor({
      name: 'filter',
      category: 'transform',
      title: 'Broken',
      description: 'Always fails to bind.',
      status: 'stable',
      schema: Type.Object({ condition: Type.String() }),
      create: () => ({
        bind() {
          throw new Error('cannot compile the condition');
        },
      }),
    });
    const registry = testRegistry([...testComponents.filter((c) => c.name !== 'filter'), broken]);
    expect(await validate({ 'orders.yaml': orders }, 'orders.yaml', registry)).toEqual([
      'orders.yaml:9:7: pipeline.processors[0]: cannot compile the condition',
    ]);
  });

  it('names unknown component types with the closest known ones', async () => {
    const text = `version: 1
input:
  type: sqlit
pipeline:
  processors:
    - type: filtre
output:
  type: kafka
`;
    expect(await validate({ 'types.yaml': text })).toEqual([
      'types.yaml:3:3: input.type: unknown input type "sqlit" (did you mean "sqlite"? known: generate, file, sqlite)',
      'types.yaml:6:7: pipeline.processors[0].type: unknown processor type "filtre" (did you mean "filter"? known: filter, mapping)',
      'types.yaml:8:3: output.type: unknown output type "kafka" (known: file)',
    ]);
  });

  it('says a disabled component is disabled, not unknown', async () => {
    const registry = createRegistry(testComponents, { disabled: ['processor:filter'] });
    expect(await validate({ 'off.yaml': orders }, 'off.yaml', registry)).toEqual([
      'off.yaml:9:7: pipeline.processors[0].type: processor "filter" is disabled in this installation (Plugins page or FUSTGO_DISABLED_COMPONENTS); enabled: mapping',
      'off.yaml:11:7: pipeline.processors[1].type: processor "filter" is disabled in this installation (Plugins page or FUSTGO_DISABLED_COMPONENTS); enabled: mapping',
    ]);
  });

  it('flags unknown fields with a suggestion, and missing required fields', async () => {
    const text = `version: 1
input: { type: generate, columns: [id] }
pipeline:
  processors:
    - type: filter
      conditon: id
output:
  type: file
  format: csv
`;
    expect(await validate({ 'fields.yaml': text })).toEqual([
      'fields.yaml:5:7: pipeline.processors[0]: missing required field "condition"',
      'fields.yaml:6:7: pipeline.processors[0].conditon: unknown field (did you mean "condition"?)',
      'fields.yaml:7:1: output: missing required field "path"',
    ]);
  });

  it('reports wrong types at the exact field', async () => {
    const text = `version: 2
input:
  type: generate
  count: -1
  columns: id
pipeline:
  channels: 0
output:
  type: file
  path: out.csv
  format: xml
  write:
    batch_size: many
`;
    expect(await validate({ 'types.yaml': text })).toEqual([
      'types.yaml:1:1: version: must be 1',
      'types.yaml:7:3: pipeline.channels: must be >= 1',
      'types.yaml:4:3: input.count: must be >= 0',
      'types.yaml:5:3: input.columns: must be a list',
      'types.yaml:11:3: output.format: must be "csv" or "jsonl"',
      'types.yaml:13:5: output.write.batch_size: must be integer',
    ]);
  });

  it('checks the top level: required sections and unknown keys', async () => {
    expect(await validate({ 'top.yaml': 'verison: 1\npipline:\n  channels: 2\ninput: sqlite\n' })).toEqual([
      'top.yaml:1:1: missing required field "version"',
      'top.yaml:1:1: missing required field "output"',
      'top.yaml:1:1: verison: unknown field (did you mean "version"?)',
      'top.yaml:2:1: pipline: unknown field (did you mean "pipeline"?)',
      'top.yaml:4:1: input: must be a mapping',
    ]);
  });

  it('locates errors of values that came from an extended base file', async () => {
    const files = {
      'orders.yaml': 'extends: base.yaml\ninput: { type: generate, columns: [id] }\n',
      'base.yaml': 'version: 1\noutput:\n  type: file\n  path: out.csv\n  write:\n    batch_size: "100"\n',
    };
    expect(await validate(files, 'orders.yaml')).toEqual([
      'base.yaml:6:5: output.write.batch_size: must be integer',
    ]);
  });
});
