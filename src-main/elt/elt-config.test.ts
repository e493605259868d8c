import { describe, expect, it } from 'vitest';
import { formatProblem, loadAndValidateText } from '../config';
import { defaultRegistry } from '../default-registry';

/** The lines `fustgo validate` prints for a pipeline (none when it is valid). */
async function validate(yaml: string): Promise<string[]> {
  const result = await loadAndValidateText(yaml, 'elt.yaml', '/tmp', defaultRegistry(), { env: {} });
  return result.ok ? [] : result.problems.map(formatProblem);
}

function pipeline(options: { jobType?: string; processors?: string; output?: string }): string {
  return `version: 1
job: { name: elt${options.jobType ? `, type: ${options.jobType}` : ''} }
input:
  type: generate
  count: 10
  columns:
    - { name: id, generator: sequence }
    - { name: status, generator: choice, values: [paid, void] }
pipeline:
  processors:
${
  options.processors ??
  `    - type: filter
      condition: status <> 'void'
    - type: mapping
      fields: { order_id: id, state: status }`
}
output:
${
  options.output ??
  `  type: postgresql
  connection: { host: 127.0.0.1, database: shop, username: etl }
  write: { table: orders }`
}
`;
}

describe('job.type: ELT validation', () => {
  it('accepts filter and mapping into a SQL table, and ETL as before', async () => {
    expect(await validate(pipeline({ jobType: 'ELT' }))).toEqual([]);
    expect(await validate(pipeline({ jobType: 'ETL' }))).toEqual([]);
    expect(await validate(pipeline({}))).toEqual([]);
  });

  it('knows only ETL and ELT', async () => {
    const problems = await validate(pipeline({ jobType: 'ELTT' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^elt\.yaml:2:\d+: job\.type: /);
  });

  it('refuses a processor SQL cannot express, at its field, with the reason', async () => {
    const problems = await validate(
      pipeline({
        jobType: 'ELT',
        processors: `    - type: transform
      fields: { year: "DATE_FORMAT(NOW(), '%Y')" }`,
      }),
    );
    expect(problems).toEqual([
      'elt.yaml:12:24: pipeline.processors[0].fields.year: DATE_FORMAT has no PostgreSQL equivalent in ELT mode',
    ]);
  });

  it('refuses processors ELT does not render, pointing at their type', async () => {
    const problems = await validate(
      pipeline({
        jobType: 'ELT',
        processors: `    - type: json_encode
      fields: [id, status]
      as: doc`,
      }),
    );
    expect(problems).toEqual([
      'elt.yaml:11:7: pipeline.processors[0].type: json_encode cannot run in the database in ELT mode (ELT renders filter, mapping, transform, aggregate, deduplicate); run the job as ETL',
    ]);
  });

  it('needs a SQL output writing one table with inserts', async () => {
    const file = await validate(
      pipeline({ jobType: 'ELT', output: '  type: file\n  path: out.csv\n  format: csv' }),
    );
    expect(file).toEqual([
      'elt.yaml:16:3: output.type: ELT mode runs the processors in the target database: the output must be postgresql, mysql, sqlite',
    ]);
    const pattern = await validate(
      pipeline({ jobType: 'ELT', output: '  type: sqlite\n  path: out.db\n  write: { table: "stg_*" }' }),
    );
    expect(pattern).toEqual([
      'elt.yaml:18:12: output.write.table: ELT mode writes one table, not a table pattern',
    ]);
  });

  it('runs branches into tables of one database, and says which output is elsewhere', async () => {
    const branches = (elsePath: string) =>
      pipeline({
        jobType: 'ELT',
        processors: `    - type: conditional
      branches:
        - when: status = 'paid'
          output: { type: sqlite, path: out.db, write: { table: paid } }
      else:
        processors: [{ type: deduplicate, key: [status] }]
        output: { type: sqlite, path: ${elsePath}, write: { table: other, mode: upsert }, conflict: { key: [id] } }`,
        output: '',
      }).replace(/output:\n\n$/, '');
    expect(await validate(branches('out.db'))).toEqual([]);
    expect(await validate(branches('elsewhere.db'))).toEqual([
      'elt.yaml:17:33: pipeline.processors[0].else.output.path: ELT mode runs every branch in one database: write to the same file as pipeline.processors[0].branches[0].output',
    ]);
  });
});
