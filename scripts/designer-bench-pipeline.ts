/** Processors in the main chain of the benchmark pipeline. */
export const PROCESSORS = 150;

function processor(i: number): string {
  const comment = i % 10 === 0 ? `    # step ${i}: a comment the edits must keep\n` : '';
  switch (i % 3) {
    case 0:
      return `${comment}    - type: filter\n      condition: qty > ${i} AND status <> 'void'\n`;
    case 1:
      return `${comment}    - type: mapping\n      fields: { id: id, qty: qty, price: price, status: status, region: region, c${i}: status }\n`;
    default:
      return `${comment}    - type: transform\n      set:\n        total: qty * price\n        f${i}: qty + ${i}\n`;
  }
}

function branch(name: string, when: string): string {
  return `        - name: ${name}
          when: ${when}
          processors:
            - type: mapping
              fields: { id: id, total: total }
          output: { type: file, path: out/${name}.csv }
`;
}

/**
 * The designer benchmarks' pipeline: 150 processors in the main chain (comments between some),
 * closing in a conditional with three branches and an else, each with its own processor and output.
 */
export function largePipeline(): string {
  return `version: 1
job: { name: bench-designer, type: ETL }
input:
  type: generate
  count: 1000
  columns:
    - { name: id, generator: sequence }
    - { name: qty, generator: random_int, min: 0, max: 5 }
    - { name: price, generator: decimal, min: 1, max: 100, scale: 2 }
    - { name: status, generator: choice, values: [paid, void] }
    - { name: region, generator: choice, values: [EU, US, AS, AF] }
pipeline:
  processors:
${Array.from({ length: PROCESSORS }, (_, i) => processor(i)).join('')}    - type: conditional
      branches:
${branch('eu', "region = 'EU'")}${branch('us', "region = 'US'")}${branch('asia', "region = 'AS'")}      else:
        output: { type: file, path: out/rest.csv }
`;
}
