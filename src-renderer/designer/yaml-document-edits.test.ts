import { describe, expect, it } from 'vitest';
import { pipelineGraph, valueAtPath } from './pipeline-graph';
import {
  applyCanvasEdits,
  formatYamlError,
  parseYaml,
  type CanvasEdit,
  type Section,
} from './yaml-document-edits';

const examples = import.meta.glob<string>('../../resources/examples/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Comments above, beside and between processors; blank lines; flow maps inside block maps. */
const commented = `# Orders from the shop database into the warehouse.
version: 1
job: { name: orders, type: ETL }

input:
  type: sqlite          # the shop's local copy
  path: shop.db
  query: { table: orders, columns: [id, qty, price, status] }

pipeline:
  channels: 2
  processors:
    # Drop empty and void orders first.
    - type: filter
      condition: qty > 0 AND status <> 'void'

    # Rename for the warehouse.
    - type: mapping
      fields: { order_id: id, qty: qty, price: price }
    - type: transform # computed columns
      set:
        total: qty * price
        # a day bucket for the reports
        day: "DATE_FORMAT(created_at, '%Y-%m-%d')"

# Where the rows end up.
output:
  type: postgresql
  connection: { ref: warehouse }
  write:
    table: orders
    mode: upsert   # re-runs add no duplicates
  conflict: { key: [order_id] }
`;

/** A closing conditional with commented branches, a branch chain and an else. */
const branching = `version: 1
input: { type: file, path: events.csv }
pipeline:
  processors:
    - type: filter
      condition: kind IS NOT NULL
    # Route by region.
    - type: conditional
      branches:
        # Europe keeps every column.
        - name: europe
          when: region = 'EU'
          output: { type: file, path: eu.csv }
        - name: asia
          when: region = 'AS'
          processors:
            - type: mapping   # fewer columns for Asia
              fields: { id: id, name: name }
          output:
            type: sqlite
            path: asia.db
            write: { table: asia }
      # Everything else.
      else:
        processors:
          - type: filter
            condition: region <> ''
        output: { type: file, path: rest.csv }
`;

/** Flow maps everywhere, no padding, no processors. */
const flowStyle = `version: 1
job: {name: copy, description: 'Copies a table'}
input: {type: sqlite, path: a.db, query: {table: t}}
output: {type: sqlite, path: b.db, write: {table: t, mode: insert}}
`;

/** Four-space maps, lists not indented under their key, a comment between items, no final newline. */
const fourSpaces = `version: 1
input:
    type: generate
    count: 100
pipeline:
    processors:
    - type: filter
      condition: id > 10
    # keep a few
    - type: mapping
      fields: {id: id}
output:
    type: file
    path: out.csv`;

/** A block scalar, quoted strings, a document comment at the end. */
const literal = `version: 1
input:
  type: sqlite
  path: "shop.db"
  query:
    sql: |
      SELECT id, qty
      FROM orders
pipeline:
  processors:
    - { type: filter, condition: 'qty > 0' }   # flow-style processor
    - type: transform
      set: { doubled: qty * 2 }
output: { type: file, path: 'out.jsonl' }
# end of pipeline
`;

const handWritten = { commented, branching, flowStyle, fourSpaces, literal };

function edit(text: string, ...edits: CanvasEdit[]): string {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(formatYamlError(parsed.error));
  const outcome = applyCanvasEdits(parsed.parsed, edits);
  expect(outcome.reformatted).toBe(false);
  return outcome.text;
}

/** `text` with `from` (which must occur exactly once) replaced: the one change an edit may make. */
function changed(text: string, from: string, to: string): string {
  expect(text.split(from).length, `once in the text: ${from}`).toBe(2);
  return text.replace(from, to);
}

describe('round trip', () => {
  const all = { ...examples, ...handWritten };
  it.each(Object.keys(all))('%s: YAML → graph → YAML without an edit is byte-identical', (name) => {
    const text = all[name as keyof typeof all];
    const parsed = parseYaml(text);
    if (!parsed.ok) throw new Error(formatYamlError(parsed.error));
    expect(pipelineGraph(parsed.parsed.doc.toJS()).nodes.length).toBeGreaterThan(1);
    expect(edit(text)).toBe(text);
  });

  it.each(Object.keys(all))('%s: writing every node back with its own section changes no byte', (name) => {
    const text = all[name as keyof typeof all];
    const parsed = parseYaml(text);
    if (!parsed.ok) throw new Error(formatYamlError(parsed.error));
    const config = parsed.parsed.doc.toJS();
    const edits = pipelineGraph(config)
      .nodes.filter((node) => valueAtPath(config, node.id) !== undefined)
      .map((node): CanvasEdit => ({
        kind: 'replaceSection',
        path: node.id,
        section: valueAtPath(config, node.id) as Section,
      }));
    expect(edit(text, ...edits)).toBe(text);
  });

  it('covers every example pipeline', () => {
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(4);
  });
});

describe('canvas edits change only what they should', () => {
  it('sets the input: a type change keeps the comment beside it, drops and adds fields', () => {
    const section = {
      type: 'mysql',
      query: { table: 'orders', columns: ['id', 'qty', 'price', 'status'] },
      connection: { ref: 'shop' },
    };
    expect(edit(commented, { kind: 'setInput', section })).toBe(
      changed(
        commented,
        `  type: sqlite          # the shop's local copy
  path: shop.db
  query: { table: orders, columns: [id, qty, price, status] }
`,
        `  type: mysql          # the shop's local copy
  query: { table: orders, columns: [id, qty, price, status] }
  connection:
    ref: shop
`,
      ),
    );
  });

  it('creates a missing input before the pipeline', () => {
    const text = 'version: 1\npipeline:\n  processors: []\n';
    expect(edit(text, { kind: 'setInput', section: { type: 'generate', count: 5 } })).toBe(
      'version: 1\ninput:\n  type: generate\n  count: 5\npipeline:\n  processors: []\n',
    );
  });

  it('sets the output, keeping the comment above it', () => {
    expect(edit(commented, { kind: 'setOutput', section: { type: 'file', path: 'orders.csv' } })).toBe(
      changed(
        commented,
        `  type: postgresql
  connection: { ref: warehouse }
  write:
    table: orders
    mode: upsert   # re-runs add no duplicates
  conflict: { key: [order_id] }
`,
        `  type: file
  path: orders.csv
`,
      ),
    );
  });

  it("sets a branch's output in the flow style it was written in", () => {
    const path = 'pipeline.processors[1].branches[0].output';
    expect(edit(branching, { kind: 'setOutput', path, section: { type: 'sqlite', path: 'eu.db' } })).toBe(
      changed(branching, 'output: { type: file, path: eu.csv }', 'output: { type: sqlite, path: eu.db }'),
    );
  });

  it('inserts a processor between two, above the comment of the next one', () => {
    const section = { type: 'filter', condition: 'price > 0' };
    expect(
      edit(commented, { kind: 'insertProcessor', chain: 'pipeline.processors', index: 1, section }),
    ).toBe(
      changed(
        commented,
        `      condition: qty > 0 AND status <> 'void'
`,
        `      condition: qty > 0 AND status <> 'void'
    - type: filter
      condition: price > 0
`,
      ),
    );
  });

  it('appends a processor after the last one, before the comment of the output', () => {
    const section = { type: 'filter', condition: 'total > 100' };
    expect(
      edit(commented, { kind: 'insertProcessor', chain: 'pipeline.processors', index: 3, section }),
    ).toBe(
      changed(
        commented,
        `        day: "DATE_FORMAT(created_at, '%Y-%m-%d')"
`,
        `        day: "DATE_FORMAT(created_at, '%Y-%m-%d')"
    - type: filter
      condition: total > 100
`,
      ),
    );
  });

  it("inserts into a branch's chain, creating its processors list before its output", () => {
    const section = { type: 'mapping', fields: { id: 'id' } };
    const chain = 'pipeline.processors[1].branches[0].processors';
    expect(edit(branching, { kind: 'insertProcessor', chain, index: 0, section })).toBe(
      changed(
        branching,
        `          when: region = 'EU'
`,
        `          when: region = 'EU'
          processors:
            - type: mapping
              fields:
                id: id
`,
      ),
    );
  });

  it('creates the pipeline section in a file written in flow style', () => {
    const section = { type: 'filter', condition: 'id > 0' };
    expect(
      edit(flowStyle, { kind: 'insertProcessor', chain: 'pipeline.processors', index: 0, section }),
    ).toBe(
      changed(
        flowStyle,
        'output:',
        `pipeline:
  processors:
    - type: filter
      condition: id > 0
output:`,
      ),
    );
  });

  it("follows the file's indentation and list style", () => {
    const section = { type: 'transform', set: { a: 'b' } };
    expect(
      edit(fourSpaces, { kind: 'insertProcessor', chain: 'pipeline.processors', index: 2, section }),
    ).toBe(
      changed(
        fourSpaces,
        `      fields: {id: id}
`,
        `      fields: {id: id}
    - type: transform
      set:
          a: b
`,
      ),
    );
  });

  it('removes a processor with the comment and blank line above it, leaving the others’ comments', () => {
    expect(edit(commented, { kind: 'removeNode', path: 'pipeline.processors[1]' })).toBe(
      changed(
        commented,
        `
    # Rename for the warehouse.
    - type: mapping
      fields: { order_id: id, qty: qty, price: price }
`,
        '',
      ),
    );
  });

  it('removes the last processor of a chain, leaving an empty list', () => {
    const path = 'pipeline.processors[1].branches[1].processors[0]';
    expect(edit(branching, { kind: 'removeNode', path })).toBe(
      changed(
        branching,
        `          processors:
            - type: mapping   # fewer columns for Asia
              fields: { id: id, name: name }
`,
        `          processors: []
`,
      ),
    );
  });

  it('removes a flow-style processor with the comment beside it', () => {
    expect(edit(literal, { kind: 'removeNode', path: 'pipeline.processors[0]' })).toBe(
      changed(literal, "    - { type: filter, condition: 'qty > 0' }   # flow-style processor\n", ''),
    );
  });

  it('removes a branch, an else and an output with their comments', () => {
    const conditional = 'pipeline.processors[1]';
    expect(edit(branching, { kind: 'removeNode', path: `${conditional}.branches[0]` })).toBe(
      changed(
        branching,
        `        # Europe keeps every column.
        - name: europe
          when: region = 'EU'
          output: { type: file, path: eu.csv }
`,
        '',
      ),
    );
    expect(edit(branching, { kind: 'removeNode', path: `${conditional}.else` })).toBe(
      changed(
        branching,
        `      # Everything else.
      else:
        processors:
          - type: filter
            condition: region <> ''
        output: { type: file, path: rest.csv }
`,
        '',
      ),
    );
    expect(edit(commented, { kind: 'removeNode', path: 'output' })).toBe(
      commented.slice(0, commented.indexOf('\n\n# Where the rows end up.') + 1),
    );
  });

  it('moves a processor up: it carries its comments, the others keep theirs', () => {
    expect(
      edit(commented, {
        kind: 'moveProcessor',
        path: 'pipeline.processors[2]',
        chain: 'pipeline.processors',
        index: 0,
      }),
    ).toBe(
      changed(
        changed(
          commented,
          `    - type: transform # computed columns
      set:
        total: qty * price
        # a day bucket for the reports
        day: "DATE_FORMAT(created_at, '%Y-%m-%d')"
`,
          '',
        ),
        `    # Drop empty and void orders first.
`,
        `    - type: transform # computed columns
      set:
        total: qty * price
        # a day bucket for the reports
        day: "DATE_FORMAT(created_at, '%Y-%m-%d')"
    # Drop empty and void orders first.
`,
      ),
    );
  });

  it('moves a processor from one branch into another, re-indented', () => {
    const conditional = 'pipeline.processors[1]';
    const moved = edit(branching, {
      kind: 'moveProcessor',
      path: `${conditional}.branches[1].processors[0]`,
      chain: `${conditional}.else.processors`,
      index: 1,
    });
    expect(moved).toBe(
      changed(
        changed(
          branching,
          `          processors:
            - type: mapping   # fewer columns for Asia
              fields: { id: id, name: name }
`,
          `          processors: []
`,
        ),
        `            condition: region <> ''
`,
        `            condition: region <> ''
          - type: mapping   # fewer columns for Asia
            fields: { id: id, name: name }
`,
      ),
    );
  });

  it('adds a branch at an index and an else', () => {
    const conditional = 'pipeline.processors[1]';
    const branch = { name: 'us', when: "region = 'US'", output: { type: 'file', path: 'us.csv' } };
    expect(edit(branching, { kind: 'addBranch', conditional, branch, index: 1 })).toBe(
      changed(
        branching,
        `        - name: asia
`,
        `        - name: us
          when: region = 'US'
          output:
            type: file
            path: us.csv
        - name: asia
`,
      ),
    );
    const withoutElse = edit(branching, { kind: 'removeNode', path: `${conditional}.else` });
    expect(
      edit(withoutElse, {
        kind: 'setElse',
        conditional,
        branch: { output: { type: 'file', path: 'other.csv' } },
      }),
    ).toBe(`${withoutElse}      else:\n        output:\n          type: file\n          path: other.csv\n`);
  });

  it('sets fields by path: a scalar in place, a key added to a flow map, a missing section created', () => {
    expect(
      edit(
        commented,
        { kind: 'setField', path: 'output', field: 'write.table', value: 'orders_v2' },
        { kind: 'setField', path: 'pipeline.processors[2]', field: 'set.total', value: 'qty * price * 1.2' },
        { kind: 'setField', path: 'pipeline.processors[1]', field: 'fields.total', value: 'total' },
        { kind: 'setField', path: 'input', field: 'fetch.size', value: 500 },
      ),
    ).toBe(
      changed(
        changed(
          changed(
            changed(commented, '    table: orders\n', '    table: orders_v2\n'),
            '        total: qty * price\n',
            '        total: qty * price * 1.2\n',
          ),
          'fields: { order_id: id, qty: qty, price: price }',
          'fields: { order_id: id, qty: qty, price: price, total: total }',
        ),
        '  query: { table: orders, columns: [id, qty, price, status] }\n',
        '  query: { table: orders, columns: [id, qty, price, status] }\n  fetch:\n    size: 500\n',
      ),
    );
  });

  it('keeps the quoting style of a changed string and a block scalar elsewhere', () => {
    expect(
      edit(literal, {
        kind: 'setField',
        path: 'pipeline.processors[0]',
        field: 'condition',
        value: 'qty > 1',
      }),
    ).toBe(changed(literal, "condition: 'qty > 0'", "condition: 'qty > 1'"));
    expect(edit(literal, { kind: 'setField', path: 'input', field: 'path', value: 'orders.db' })).toBe(
      changed(literal, 'path: "shop.db"', 'path: "orders.db"'),
    );
  });

  it('deletes fields with the comments on their line, leaving the next comment', () => {
    expect(
      edit(
        commented,
        { kind: 'deleteField', path: 'output', field: 'write.mode' },
        { kind: 'deleteField', path: 'pipeline.processors[2]', field: 'set.day' },
        { kind: 'deleteField', path: 'output', field: 'no.such.field' },
      ),
    ).toBe(
      changed(
        changed(commented, '    mode: upsert   # re-runs add no duplicates\n', ''),
        `        # a day bucket for the reports
        day: "DATE_FORMAT(created_at, '%Y-%m-%d')"
`,
        '',
      ),
    );
  });

  it('replaces a whole section (paste) with the fewest changes', () => {
    expect(
      edit(commented, {
        kind: 'replaceSection',
        path: 'pipeline.processors[0]',
        section: { type: 'filter', condition: 'qty > 1' },
      }),
    ).toBe(changed(commented, "condition: qty > 0 AND status <> 'void'", 'condition: qty > 1'));
    expect(
      edit(commented, {
        kind: 'replaceSection',
        path: 'pipeline.processors[1]',
        section: { type: 'transform', set: { x: '1' } },
      }),
    ).toBe(
      changed(
        commented,
        `    - type: mapping
      fields: { order_id: id, qty: qty, price: price }
`,
        `    - type: transform
      set:
        x: "1"
`,
      ),
    );
  });

  it('writes new lines with the file’s own line breaks', () => {
    const crlf = commented.replace(/\n/g, '\r\n');
    const section = { type: 'filter', condition: 'price > 0' };
    const insert: CanvasEdit = { kind: 'insertProcessor', chain: 'pipeline.processors', index: 1, section };
    const remove: CanvasEdit = { kind: 'removeNode', path: 'pipeline.processors[2]' };
    expect(edit(crlf, insert, remove)).toBe(edit(commented, insert, remove).replace(/\n/g, '\r\n'));
  });

  it('names the path when an edit addresses a node that is not there', () => {
    const parsed = parseYaml(commented);
    if (!parsed.ok) throw new Error('parse');
    expect(() =>
      applyCanvasEdits(parsed.parsed, [{ kind: 'removeNode', path: 'pipeline.processors[7]' }]),
    ).toThrow('pipeline.processors[7]: no such node');
    const again = parseYaml(commented);
    if (!again.ok) throw new Error('parse');
    expect(() =>
      applyCanvasEdits(again.parsed, [
        { kind: 'insertProcessor', chain: 'pipeline.processors', index: 9, section: { type: 'filter' } },
      ]),
    ).toThrow('pipeline.processors: no position 9 (it has 3)');
  });
});

describe('random edit sequences', () => {
  const all = { ...examples, ...handWritten };
  it.each(Object.keys(all))('%s: 60 random edits are all written by splicing', (name) => {
    let text = all[name as keyof typeof all];
    const comments = (yaml: string) =>
      yaml.split('\n').flatMap((line) => {
        const at = line.trimStart().startsWith('#') ? 0 : line.indexOf(' #');
        return at < 0 ? [] : [line.slice(at).trim()];
      });
    const original = new Set(comments(text));
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    for (let step = 0; step < 60; step++) {
      const parsed = parseYaml(text);
      if (!parsed.ok) throw new Error(formatYamlError(parsed.error));
      const config = parsed.parsed.doc.toJS();
      const graph = pipelineGraph(config);
      const processors = graph.nodes.filter((node) => node.kind === 'processor').map((node) => node.id);
      const chains = [
        'pipeline.processors',
        ...graph.nodes.filter((node) => node.kind === 'branch').map((node) => `${node.id}.processors`),
      ];
      const chain = chains[random(chains.length)];
      const length = (valueAtPath(config, chain) as unknown[] | undefined)?.length ?? 0;
      const processor = processors[random(processors.length)];
      const movable = processors.filter((path) => !chain.startsWith(`${path}.`));
      const edits: CanvasEdit[] = [
        {
          kind: 'insertProcessor',
          chain,
          index: random(length + 1),
          section: { type: 'filter', condition: `c${step}` },
        },
      ];
      edits.push(edits[0]);
      if (processor !== undefined)
        edits.push(
          { kind: 'removeNode', path: processor },
          { kind: 'setField', path: processor, field: random(2) ? 'note' : 'options.level', value: step },
          { kind: 'deleteField', path: processor, field: random(2) ? 'condition' : 'options' },
        );
      if (movable.length > 0)
        edits.push({
          kind: 'moveProcessor',
          path: movable[random(movable.length)],
          chain,
          index: random(length + 1),
        });
      const chosen = edits[random(edits.length)];
      const outcome = applyCanvasEdits(parsed.parsed, [chosen]);
      expect(outcome.reformatted, `step ${step}: ${JSON.stringify(chosen)}`).toBe(false);
      text = outcome.text;
      // No comment is invented or rewritten; some leave with their nodes.
      for (const line of comments(text)) expect(original.has(line), line).toBe(true);
    }
  });
});

describe('parseYaml', () => {
  it('reports the first error with its line and column', () => {
    const result = parseYaml('version: 1\ninput:\n  type: file\n  path: a: b\n');
    expect(result.ok ? null : result.error).toEqual({
      line: 4,
      col: 9,
      message: 'Nested mappings are not allowed in compact mappings',
    });
  });

  it('refuses duplicate keys', () => {
    const result = parseYaml('input: { type: file }\ninput: { type: sqlite }\n');
    expect(result.ok ? null : formatYamlError(result.error)).toBe('2:1 Map keys must be unique');
  });
});
