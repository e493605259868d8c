import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultRegistry } from '../default-registry';
import { loadAndValidateText } from '../config';
import {
  deriveReplayConfig,
  parseConfigText,
  parseReplayPlace,
  replayConfigText,
  replaySteps,
  withReplayInput,
} from './replay-config';

const INPUT = {
  type: 'file',
  path: 'dead-letter/replay-e1-1.jsonl',
  format: 'jsonl',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'amount', type: 'decimal' },
  ],
};

/** A job with a main chain ending in a conditional, each branch with processors and an output. */
const BRANCHED = parseConfigText(
  `version: 1
job: { name: orders, schedule: "0 * * * *", timezone: Asia/Shanghai, retry: { attempts: 3 } }
input:
  type: generate
  count: 10
  columns: [{ name: id, generator: sequence }, { name: amount, generator: sequence }]
pipeline:
  channels: 4
  error_limit: 5
  dead_letter: { path: rejected.jsonl }
  processors:
    - type: filter
      condition: id > 0
    - type: transform
      set: { amount2: amount * 2 }
      on_error: skip
    - type: conditional
      branches:
        - name: big
          when: amount > 5
          processors:
            - type: transform
              set: { big: "true" }
            - type: mapping
              fields: { id: id, amount: amount }
          output:
            type: postgresql
            connection: { ref: warehouse }
            write: { table: big_orders, mode: truncate_insert }
            pre_sql: ["DELETE FROM big_orders"]
      else:
        output: { type: file, path: out/small.csv }
`,
  'test',
);

const LINEAR = parseConfigText(
  `version: 1
job: { name: people }
input: { type: generate, count: 3, columns: [{ name: id, generator: sequence }] }
pipeline:
  processors:
    - type: filter
      condition: id > 0
    - type: transform
      set: { twice: id * 2 }
output:
  type: sqlite
  path: people.db
  write: { table: people, mode: upsert }
  conflict: { key: [id] }
  post_sql: ["ANALYZE"]
`,
  'test',
);

describe('parseReplayPlace', () => {
  it('takes apart every place a run names', () => {
    expect(parseReplayPlace('output')).toEqual({ kind: 'output' });
    expect(parseReplayPlace('pipeline.processors[3]')).toEqual({ kind: 'processor', index: 3 });
    expect(parseReplayPlace('pipeline.processors[2].branches[1].processors[0]')).toEqual({
      kind: 'branch-processor',
      conditional: 2,
      branch: 1,
      index: 0,
    });
    expect(parseReplayPlace('pipeline.processors[2].else.output')).toEqual({
      kind: 'branch-output',
      conditional: 2,
      branch: 'else',
    });
    expect(parseReplayPlace('input')).toBeUndefined();
    expect(parseReplayPlace('pipeline.processors[x]')).toBeUndefined();
  });
});

describe('deriveReplayConfig', () => {
  it('output: the rows straight into the output, nothing that would empty or rebuild it', () => {
    const { config, notes } = deriveReplayConfig(LINEAR, 'output', INPUT);
    expect(config).toEqual({
      version: 1,
      job: { name: 'people' },
      input: INPUT,
      output: {
        type: 'sqlite',
        path: 'people.db',
        write: { table: 'people', mode: 'upsert' },
        conflict: { key: ['id'] },
      },
    });
    expect(notes).toEqual([
      'output: post_sql was left out, being meant for a whole run and not a few replayed rows',
    ]);
  });

  it('a processor of the main chain: that processor and the ones after it, then the output', () => {
    const { config } = deriveReplayConfig(LINEAR, 'pipeline.processors[1]', INPUT);
    expect(config.pipeline).toEqual({ processors: [{ type: 'transform', set: { twice: 'id * 2' } }] });
    expect((config.output as { type: string }).type).toBe('sqlite');
  });

  it('a processor before a conditional: the chain from it, the conditional and its branches with safe outputs', () => {
    const { config, notes } = deriveReplayConfig(BRANCHED, 'pipeline.processors[1]', INPUT);
    expect(config.job).toEqual({ name: 'orders' });
    expect(config.output).toBeUndefined();
    const pipeline = config.pipeline as { processors: Record<string, unknown>[]; error_limit: number };
    // Lanes and the shared dead-letter file go; the error limit stays.
    expect(Object.keys(pipeline).sort()).toEqual(['error_limit', 'processors']);
    expect(pipeline.error_limit).toBe(5);
    expect(pipeline.processors.map((p) => p.type)).toEqual(['transform', 'conditional']);
    // on_error stays with its processor.
    expect(pipeline.processors[0].on_error).toBe('skip');
    const conditional = pipeline.processors[1] as {
      branches: { output: Record<string, unknown> }[];
      else: { output: Record<string, unknown> };
    };
    expect(conditional.branches[0].output).toEqual({
      type: 'postgresql',
      connection: { ref: 'warehouse' },
      write: { table: 'big_orders', mode: 'insert' },
    });
    expect(conditional.else.output).toEqual({ type: 'file', path: 'out/small.csv', mode: 'append' });
    expect(notes).toEqual([
      "pipeline.dead_letter was left out: rows the replay rejects are kept with the replay's own execution",
      'pipeline.processors[1].branches[0].output: write.mode truncate_insert became insert, so the replay adds its rows and empties nothing',
      'pipeline.processors[1].branches[0].output: pre_sql was left out, being meant for a whole run and not a few replayed rows',
      'pipeline.processors[1].else.output: the file is appended to (mode: append), not replaced by the replayed rows',
    ]);
    // The job's own config is untouched.
    expect(
      (BRANCHED.pipeline as { processors: { branches: { output: { write: { mode: string } } }[] }[] })
        .processors[2].branches[0].output.write.mode,
    ).toBe('truncate_insert');
  });

  it('the conditional itself (a row it could not decide on): the conditional and its branches', () => {
    const { config } = deriveReplayConfig(BRANCHED, 'pipeline.processors[2]', INPUT);
    const pipeline = config.pipeline as { processors: { type: string }[] };
    expect(pipeline.processors.map((p) => p.type)).toEqual(['conditional']);
  });

  it('a processor inside a branch: the rest of that branch and its output, without the conditional', () => {
    const { config, notes } = deriveReplayConfig(
      BRANCHED,
      'pipeline.processors[2].branches[0].processors[1]',
      INPUT,
    );
    expect(config.pipeline).toEqual({
      error_limit: 5,
      processors: [{ type: 'mapping', fields: { id: 'id', amount: 'amount' } }],
    });
    expect(config.output).toEqual({
      type: 'postgresql',
      connection: { ref: 'warehouse' },
      write: { table: 'big_orders', mode: 'insert' },
    });
    expect(notes).toContain(
      'output: write.mode truncate_insert became insert, so the replay adds its rows and empties nothing',
    );
  });

  it("a branch's output: that output alone", () => {
    const big = deriveReplayConfig(BRANCHED, 'pipeline.processors[2].branches[0].output', INPUT).config;
    expect(big.pipeline).toEqual({ error_limit: 5 });
    expect((big.output as { write: unknown }).write).toEqual({ table: 'big_orders', mode: 'insert' });
    const small = deriveReplayConfig(BRANCHED, 'pipeline.processors[2].else.output', INPUT).config;
    expect(small.output).toEqual({ type: 'file', path: 'out/small.csv', mode: 'append' });
  });

  it('says what is missing when the config changed since the rows failed', () => {
    expect(() => deriveReplayConfig(LINEAR, 'pipeline.processors[7]', INPUT)).toThrow(
      "the job's config has no processor pipeline.processors[7]: it changed since the rows were rejected at pipeline.processors[7]; fix the replay config by hand",
    );
    expect(() => deriveReplayConfig(LINEAR, 'pipeline.processors[0].branches[0].output', INPUT)).toThrow(
      /has no conditional at pipeline\.processors\[0\]/,
    );
    expect(() => deriveReplayConfig(BRANCHED, 'output', INPUT)).toThrow(/has no top-level output/);
    expect(() => deriveReplayConfig(LINEAR, 'somewhere', INPUT)).toThrow(
      '"somewhere" is not a place rows can be replayed from',
    );
    expect(() => deriveReplayConfig({ ...LINEAR, extends: 'base.yaml' }, 'output', INPUT)).toThrow(
      /extends "base\.yaml"/,
    );
  });

  it('writes YAML the studio accepts, opening with what it is', async () => {
    const replay = deriveReplayConfig(BRANCHED, 'pipeline.processors[2].branches[0].processors[0]', {
      ...INPUT,
      columns: [
        { name: 'id', type: 'int' },
        { name: 'amount', type: 'int' },
        { name: 'amount2', type: 'int' },
      ],
    });
    const text = replayConfigText(replay, ['Replay of 2 dead letters.']);
    expect(text.startsWith('# Replay of 2 dead letters.\n# Note: pipeline.dead_letter was left out')).toBe(
      true,
    );
    expect(parse(text)).toEqual(replay.config);
    const postgres = text.replace(/type: postgresql[\s\S]*$/, 'type: file\n  path: out/big.csv\n');
    const checked = await loadAndValidateText(postgres, 'replay.yaml', '/tmp', defaultRegistry());
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });
});

describe('replaySteps', () => {
  it('lists what the rows go through, branches included', () => {
    expect(replaySteps(deriveReplayConfig(LINEAR, 'pipeline.processors[1]', INPUT).config)).toEqual([
      { path: 'input', type: 'file' },
      { path: 'pipeline.processors[0]', type: 'transform' },
      { path: 'output', type: 'sqlite' },
    ]);
    expect(replaySteps(deriveReplayConfig(BRANCHED, 'pipeline.processors[2]', INPUT).config)).toEqual([
      { path: 'input', type: 'file' },
      { path: 'pipeline.processors[0]', type: 'conditional' },
      { path: 'pipeline.processors[0].branches[0].processors[0]', type: 'transform' },
      { path: 'pipeline.processors[0].branches[0].processors[1]', type: 'mapping' },
      { path: 'pipeline.processors[0].branches[0].output', type: 'postgresql' },
      { path: 'pipeline.processors[0].else.output', type: 'file' },
    ]);
  });
});

describe('withReplayInput', () => {
  it("sets the rows as input in the user's fixed config and keeps the rest of the text", () => {
    const fixed = `# my fix
version: 1
input: { type: file, path: elsewhere.jsonl }
pipeline:
  processors:
    - type: transform
      set: { amount: amount * 100 } # cents
output: { type: file, path: out.csv }
`;
    const text = withReplayInput(fixed, INPUT);
    expect(text).toContain('# my fix');
    expect(text).toContain('# cents');
    expect(parse(text)).toEqual({ ...(parse(fixed) as object), input: INPUT });
    expect(() => withReplayInput('- just a list', INPUT)).toThrow('the replay config is not a YAML mapping');
  });
});
