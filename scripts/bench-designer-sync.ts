// `npm run bench:designer`: how long the designer's two-way sync takes on a large pipeline — 150
// processors in the main chain (comments between some), closing in a conditional with three
// branches and an else, each with its own processor and output (~165 nodes).
//
//   YAML → graph: the editor's text changed; parse, rebuild the graph, carry node identities and
//                 positions over, place new nodes (dagre, near their neighbours), check graph rules.
//   canvas → YAML: a canvas edit written into the YAML document tree and back to text by splicing
//                 (with the one parse that checks it); then the same plus the graph, as the model does.
//
//   npm run bench:designer                 50 runs of each
//   npm run bench:designer -- --runs 200
import { parseArgs } from 'node:util';
import { createDesignerModel } from '../src-renderer/designer/designer-model';
import { positionsByPath } from '../src-renderer/designer/node-identity';
import { applyCanvasEdits, parseYaml, type CanvasEdit } from '../src-renderer/designer/yaml-document-edits';
import { largePipeline } from './designer-bench-pipeline';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(values.runs);
const pipeline = largePipeline();
function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const loadStart = performance.now();
const model = createDesignerModel(pipeline);
const firstLoad = performance.now() - loadStart;
const nodes = model.getState().graph.nodes.length;
const { graph, positions } = model.getState();
const saved = positionsByPath(graph, positions);

// Warm-up (not counted): the first calls run before the JIT has compiled the code.
for (let i = 0; i < 10; i++) {
  model.applyYamlText(pipeline.replace('qty > 75 AND', `qty > ${i} AND`));
  model.applyCanvasEdit({ kind: 'setField', path: 'pipeline.processors[3]', field: 'note', value: i });
}

// Opening the job again: positions come from its saved diagram, nothing is laid out.
const reopen = Array.from({ length: 10 }, () =>
  time(() => createDesignerModel(pipeline, { positions: saved })),
);

// YAML → graph, typing: one condition edited (no node appears).
const typed: number[] = [];
for (let i = 0; i < runs; i++) {
  const text = pipeline.replace('qty > 75 AND', `qty > ${75 + (i % 2)} AND`);
  typed.push(time(() => model.applyYamlText(text)));
}

// YAML → graph, a processor pasted into the middle of the text (one new node to place), then removed.
const inserted = pipeline.replace(
  '    # step 80:',
  '    - type: filter\n      condition: total > 10\n    # step 80:',
);
const yamlInsert: number[] = [];
const yamlRemove: number[] = [];
for (let i = 0; i < runs; i++) {
  yamlInsert.push(time(() => model.applyYamlText(inserted)));
  yamlRemove.push(time(() => model.applyYamlText(pipeline)));
}

// canvas → YAML text alone: insert a processor in the middle (each run on a freshly parsed document).
const insert: CanvasEdit = {
  kind: 'insertProcessor',
  chain: 'pipeline.processors',
  index: 80,
  section: { type: 'filter', condition: 'total > 10' },
};
const editOnly: number[] = [];
for (let i = 0; i < runs; i++) {
  const parsed = parseYaml(pipeline);
  if (!parsed.ok) throw new Error(parsed.error.message);
  editOnly.push(
    time(() => {
      if (applyCanvasEdits(parsed.parsed, [insert]).reformatted) throw new Error('the edit was not spliced');
    }),
  );
}

// canvas → YAML → graph, as the model does it: insert, then remove, a processor; set a field.
const canvasInsert: number[] = [];
const canvasRemove: number[] = [];
const canvasField: number[] = [];
for (let i = 0; i < runs; i++) {
  canvasInsert.push(time(() => model.applyCanvasEdit(insert)));
  canvasRemove.push(
    time(() => model.applyCanvasEdit({ kind: 'removeNode', path: 'pipeline.processors[80]' })),
  );
  canvasField.push(
    time(() =>
      model.applyCanvasEdit({
        kind: 'setField',
        path: 'pipeline.processors[90]',
        field: 'condition',
        value: `qty > ${i}`,
      }),
    ),
  );
}
if (model.getState().error) throw new Error('the model ended with an error');

const rows: [string, number][] = [
  ['YAML → graph: a condition typed', median(typed)],
  ['YAML → graph: a processor inserted (placed by dagre)', median(yamlInsert)],
  ['YAML → graph: a processor removed', median(yamlRemove)],
  ['canvas → YAML text: insert a processor', median(editOnly)],
  ['canvas → YAML → graph: insert a processor', median(canvasInsert)],
  ['canvas → YAML → graph: remove a processor', median(canvasRemove)],
  ['canvas → YAML → graph: set a field', median(canvasField)],
];
console.log(
  `designer sync, ${nodes} nodes, ${pipeline.length} bytes of YAML, median of ${runs} runs (target < 50 ms)`,
);
for (const [label, ms] of rows) console.log(`  ${label.padEnd(56)} ${ms.toFixed(1).padStart(6)} ms`);
console.log(
  `  ${'first open, no saved positions (dagre lays out all, cold)'.padEnd(56)} ${firstLoad.toFixed(1).padStart(6)} ms`,
);
console.log(
  `  ${'reopen with saved positions (median of 10)'.padEnd(56)} ${median(reopen).toFixed(1).padStart(6)} ms`,
);
