import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineFile, loadPipelineText, type LoadOptions } from './load';
import { formatProblem } from './problem';
import { createWorkspace } from './testdata/workspace';

let ws: Awaited<ReturnType<typeof createWorkspace>>;
beforeEach(async () => {
  ws = await createWorkspace();
});
afterEach(async () => {
  await ws.dispose();
});

/** Loads `main` after writing the files; returns the config, or the problem lines a user sees. */
async function load(files: Record<string, string>, main: string, opts: LoadOptions = {}) {
  for (const [name, text] of Object.entries(files)) await ws.write(name, text);
  const result = await loadPipelineFile(`${ws.dir}/${main}`, { env: {}, ...opts });
  return result.ok
    ? { loaded: result.loaded, lines: [] }
    : { loaded: null, lines: result.problems.map(formatProblem) };
}

const minimal = `version: 1
input:
  type: generate
output:
  type: file
  path: out.csv
`;

describe('loadPipelineFile', () => {
  it('loads a config and knows where every value was written', async () => {
    const { loaded } = await load({ 'p.yaml': minimal }, 'p.yaml');
    expect(loaded?.config).toEqual({
      version: 1,
      input: { type: 'generate' },
      output: { type: 'file', path: 'out.csv' },
    });
    expect(loaded?.baseDir).toBe(ws.dir);
    expect(loaded?.locate('output.path')).toEqual({ file: `${ws.dir}/p.yaml`, line: 6, col: 3 });
    // Absent paths point at their nearest written ancestor.
    expect(loaded?.locate('output.write.batch_size')).toMatchObject({ line: 4, col: 1 });
  });

  it('reports every YAML syntax error with its position, not just the first', async () => {
    const text = 'version: 1\ninput:\n  type: generate\n   count: 5\noutput:\n  type: file\n  path: out: x\n';
    expect((await load({ 'bad.yaml': text }, 'bad.yaml')).lines).toEqual([
      'bad.yaml:3:9: Nested mappings are not allowed in compact mappings',
      'bad.yaml:3:9: Implicit keys need to be on a single line',
      'bad.yaml:7:9: Nested mappings are not allowed in compact mappings',
    ]);
    expect((await load({ 'tab.yaml': 'a:\n\t- x\n' }, 'tab.yaml')).lines).toEqual([
      'tab.yaml:2:1: Tabs are not allowed as indentation',
    ]);
  });

  it('reports duplicate keys and a mapping that is not one', async () => {
    expect((await load({ 'dup.yaml': 'version: 1\nversion: 2\n' }, 'dup.yaml')).lines).toEqual([
      'dup.yaml:2:1: Map keys must be unique',
    ]);
    expect((await load({ 'list.yaml': '- a\n- b\n' }, 'list.yaml')).lines).toEqual([
      'list.yaml:1:1: a pipeline config must be a mapping of keys to values',
    ]);
    expect((await load({ 'empty.yaml': '' }, 'empty.yaml')).lines).toEqual([
      'empty.yaml:1:1: the file is empty',
    ]);
  });

  it('says when the file cannot be read', async () => {
    expect((await load({}, 'missing.yaml')).lines).toEqual([
      'missing.yaml: cannot read the file: no such file',
    ]);
  });
});

describe('environment variables', () => {
  const withEnv = `version: 1
input:
  type: file
  path: \${IN_DIR:-data}/in.csv
output:
  type: file
  path: \${OUT_DIR}/out.csv
  note: "costs $\${PRICE}"
pipeline:
  channels: \${LANES}
  label: "\${LANES}"
`;

  it('substitutes values, defaults and the $${ escape; unquoted values read as YAML scalars', async () => {
    const { loaded } = await load({ 'env.yaml': withEnv }, 'env.yaml', {
      env: { OUT_DIR: '/tmp/x', LANES: '4' },
    });
    expect(loaded?.config.input).toEqual({ type: 'file', path: 'data/in.csv' });
    expect(loaded?.config.output).toEqual({ type: 'file', path: '/tmp/x/out.csv', note: 'costs ${PRICE}' });
    expect(loaded?.config.pipeline).toEqual({ channels: 4, label: '4' });
  });

  it('uses the default for an empty variable and the value when set', async () => {
    const { loaded } = await load({ 'env.yaml': withEnv }, 'env.yaml', {
      env: { IN_DIR: '', OUT_DIR: 'o', LANES: '1' },
    });
    expect(loaded?.config.input.path).toBe('data/in.csv');
    const again = await load({ 'env.yaml': withEnv }, 'env.yaml', {
      env: { IN_DIR: 'in', OUT_DIR: 'o', LANES: '1' },
    });
    expect(again.loaded?.config.input.path).toBe('in/in.csv');
  });

  it('reports each missing variable at its value', async () => {
    const { lines } = await load({ 'env.yaml': withEnv }, 'env.yaml');
    expect(lines).toEqual([
      'env.yaml:7:3: output.path: environment variable "OUT_DIR" is not set',
      'env.yaml:10:3: pipeline.channels: environment variable "LANES" is not set',
      'env.yaml:11:3: pipeline.label: environment variable "LANES" is not set',
    ]);
  });
});

describe('extends', () => {
  const base = `version: 1
output:
  type: file
  path: \${SHARED_DIR}/out.csv
  write:
    batch_size: 100
pipeline:
  channels: 2
`;

  it('merges the base under the file: maps merge, the file wins, positions keep their file', async () => {
    const { loaded } = await load(
      {
        'base.yaml': base,
        'orders.yaml':
          'extends: base.yaml\ninput:\n  type: generate\npipeline:\n  channels: 3\n  processors: []\n',
      },
      'orders.yaml',
      { env: { SHARED_DIR: 'shared' } },
    );
    expect(loaded?.config).toEqual({
      version: 1,
      output: { type: 'file', path: 'shared/out.csv', write: { batch_size: 100 } },
      pipeline: { channels: 3, processors: [] },
      input: { type: 'generate' },
    });
    expect(loaded?.file).toBe(`${ws.dir}/orders.yaml`);
    expect(loaded?.locate('output.write.batch_size')).toEqual({
      file: `${ws.dir}/base.yaml`,
      line: 6,
      col: 5,
    });
    expect(loaded?.locate('pipeline.channels')).toEqual({ file: `${ws.dir}/orders.yaml`, line: 5, col: 3 });
  });

  it('locates an error in the base file, also through a chain of bases in other folders', async () => {
    await ws.write('shared-base.yaml', base);
    const { lines } = await load(
      {
        'middle.yaml': 'extends: ./shared-base.yaml\ninput:\n  type: generate\n',
        'top.yaml': 'extends: middle.yaml\n',
      },
      'top.yaml',
    );
    expect(lines).toEqual([
      'shared-base.yaml:4:3: output.path: environment variable "SHARED_DIR" is not set',
    ]);
  });

  it('detects a cycle', async () => {
    const { lines } = await load(
      { 'a.yaml': 'extends: b.yaml\nversion: 1\n', 'b.yaml': 'extends: a.yaml\n' },
      'a.yaml',
    );
    expect(lines).toEqual(['b.yaml:1:1: extends: extends itself: a.yaml -> b.yaml -> a.yaml']);
  });

  it('says when the base file is missing', async () => {
    const { lines } = await load({ 'a.yaml': 'version: 1\nextends: nope.yaml\n' }, 'a.yaml');
    expect(lines).toEqual(['a.yaml:2:1: extends: cannot read "nope.yaml": no such file']);
  });
});

describe('--set overrides', () => {
  it('applies after extends, reading values as YAML scalars', async () => {
    const { loaded } = await load(
      { 'base.yaml': 'output:\n  type: file\n  path: a.csv\n', 'p.yaml': 'extends: base.yaml\nversion: 1\n' },
      'p.yaml',
      { set: ['pipeline.channels=4', 'output.path=b.csv', 'output.header=false', 'job.name="007"'] },
    );
    expect(loaded?.config).toEqual({
      version: 1,
      output: { type: 'file', path: 'b.csv', header: false },
      pipeline: { channels: 4 },
      job: { name: '007' },
    });
    expect(loaded?.locate('pipeline.channels')).toEqual({ file: '--set', line: 0, col: 0 });
  });

  it('accepts a record of overrides and sets list items', async () => {
    const { loaded } = await load(
      { 'p.yaml': 'pipeline:\n  processors:\n    - type: filter\n      condition: a\n' },
      'p.yaml',
      { set: { 'pipeline.processors[0].condition': 'b > 1' } },
    );
    expect(loaded?.config.pipeline?.processors).toEqual([{ type: 'filter', condition: 'b > 1' }]);
  });

  it('reports overrides it cannot apply', async () => {
    const { lines } = await load({ 'p.yaml': minimal }, 'p.yaml', { set: ['channels', 'output.path.x=1'] });
    expect(lines).toEqual([
      '--set: "channels" should read path=value (e.g. pipeline.channels=4)',
      '--set: output.path.x: cannot set: output.path is not a mapping',
    ]);
  });
});

describe('loadPipelineText', () => {
  it('names problems after the given file name and resolves extends in baseDir', async () => {
    await ws.write('base.yaml', 'version: 1\n');
    const result = await loadPipelineText('extends: base.yaml\ninput: [', 'job.yaml', ws.dir, { env: {} });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'job.yaml:2:9: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });
});
