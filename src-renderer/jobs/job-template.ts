import { parseDocument } from 'yaml';

/** The config a "blank" job starts from: the smallest pipeline that runs. */
export function blankPipeline(name: string): string {
  return [
    'version: 1',
    'job:',
    `  name: ${JSON.stringify(name)}`,
    'input:',
    '  type: generate',
    '  count: 100',
    '  columns:',
    '    - { name: id, generator: sequence, start: 1 }',
    'pipeline:',
    '  processors: []',
    'output:',
    '  type: file',
    `  path: output/${fileSafe(name)}.csv`,
    '',
  ].join('\n');
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'job';
}

/** A template's YAML with `job.name` set to the new job's name, comments and layout kept. */
export function withJobName(configYaml: string, name: string): string {
  const doc = parseDocument(configYaml);
  if (doc.errors.length > 0) return configYaml;
  doc.setIn(['job', 'name'], name);
  return doc.toString();
}
