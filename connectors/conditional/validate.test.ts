import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../../src-main/config/load';
import { formatProblem } from '../../src-main/config/problem';
import { testComponents, testRegistry } from '../../src-main/config/testdata/test-components';
import { createWorkspace } from '../../src-main/config/testdata/workspace';
import { validatePipeline } from '../../src-main/config/validate';
import { conditionalProcessor } from './spec';

let ws: Awaited<ReturnType<typeof createWorkspace>>;
beforeEach(async () => {
  ws = await createWorkspace();
});
afterEach(async () => {
  await ws.dispose();
});

/** The lines `fustgo validate` prints for the config. */
async function validate(text: string): Promise<string[]> {
  await ws.write('orders.yaml', text);
  const result = await loadPipelineFile(`${ws.dir}/orders.yaml`, { env: {} });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return validatePipeline(result.loaded, testRegistry([...testComponents, conditionalProcessor])).map(
    formatProblem,
  );
}

const branching = `version: 1
input:
  type: generate
  columns: [id, qty, region]
pipeline:
  processors:
    - type: filter
      condition: qty
    - type: conditional
      branches:
        - name: eu
          when: region = 'EU'
          output: { type: file, path: eu.csv }
        - when: region = 'US'
          processors:
            - type: mapping
              fields: { order_id: id }
            - type: filter
              condition: order_id
          output: { type: file, path: us.csv }
      else:
        processors:
          - { type: filter, condition: qty, on_error: skip }
        output: { type: file, path: rest.csv }
`;

describe('conditional: validation', () => {
  it('accepts branches with their own processors and outputs, and no top-level output', async () => {
    expect(await validate(branching)).toEqual([]);
  });

  it('compiles every when against the columns reaching the conditional, at its place in the file', async () => {
    expect(await validate(branching.replace("region = 'US'", "regoin = 'US'"))).toEqual([
      'orders.yaml:14:17: pipeline.processors[1].branches[1].when: unknown column "regoin" (did you mean "region"?)',
    ]);
  });

  it('checks a branch’s processors against the columns of its own chain', async () => {
    expect(await validate(branching.replace('condition: order_id', 'condition: id'))).toEqual([
      'orders.yaml:19:26: pipeline.processors[1].branches[1].processors[1].condition: unknown column "id"',
    ]);
  });

  it('gives nested components unknown types with "did you mean" and their own schema problems', async () => {
    const text = branching
      .replace('type: mapping', 'type: maping')
      .replace('{ type: file, path: rest.csv }', '{ type: file, pathh: rest.csv }')
      .replace('on_error: skip', 'on_error: ignore');
    expect(await validate(text)).toEqual([
      'orders.yaml:23:45: pipeline.processors[1].else.processors[0].on_error: must be one of: "fail", "skip", "dead_letter"',
      'orders.yaml:16:15: pipeline.processors[1].branches[1].processors[0].type: unknown processor type "maping" (did you mean "mapping"? known: filter, mapping, conditional)',
      'orders.yaml:24:9: pipeline.processors[1].else.output: missing required field "path"',
      'orders.yaml:24:31: pipeline.processors[1].else.output.pathh: unknown field (did you mean "path"?)',
    ]);
  });

  it('requires the conditional to be the last processor', async () => {
    const text = branching.replace(
      '      else:',
      '      else:\n        output: { type: file, path: x.csv }\n    - type: filter\n      condition: qty\n      else:',
    );
    const problems = await validate(text.replace(/\n {6}else:\n {8}processors:[\s\S]*$/, '\n'));
    // Without a closing conditional the chain needs the top-level output again.
    expect(problems).toEqual([
      'orders.yaml:1:1: missing required field "output"',
      'orders.yaml:9:7: pipeline.processors[1].type: a conditional ends the chain: it must be the last processor (move the processors after it into its branches)',
    ]);
  });

  it('refuses a top-level output beside a closing conditional, and needs one without it', async () => {
    expect(await validate(`${branching}output: { type: file, path: all.csv }\n`)).toEqual([
      expect.stringMatching(
        /^orders\.yaml:25:1: output: the chain ends in the conditional at pipeline\.processors\[1\], so rows go to its branches' outputs and none to this one/,
      ),
    ]);
    const linear = `version: 1\ninput: { type: generate, columns: [id] }\npipeline:\n  processors:\n    - { type: filter, condition: id }\n`;
    expect(await validate(linear)).toEqual(['orders.yaml:1:1: missing required field "output"']);
  });

  it('needs an output in every branch, and refuses a conditional inside a branch', async () => {
    const text = branching
      .replace('          output: { type: file, path: eu.csv }\n', '')
      .replace(
        '            - type: filter\n              condition: order_id\n',
        '            - type: conditional\n              branches: [{ when: order_id > 1, output: { type: file, path: x.csv } }]\n',
      );
    expect(await validate(text)).toEqual([
      'orders.yaml:17:15: pipeline.processors[1].branches[1].processors[1].type: a conditional cannot be nested inside a branch',
      'orders.yaml:11:11: pipeline.processors[1].branches[0]: missing required field "output"',
    ]);
  });
});
