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

/** The `job` section settings the new-job wizard writes. */
export interface JobSettings {
  name: string;
  description?: string;
  type?: 'ETL' | 'ELT';
  /** A cron expression; absent or empty: the job runs when started. */
  schedule?: string;
  timezone?: string;
}

/**
 * The YAML with its `job` section set from the wizard (empty settings removed), comments and
 * layout kept; text that does not parse is returned as it is.
 */
export function withJobSettings(configYaml: string, settings: JobSettings): string {
  const doc = parseDocument(configYaml);
  if (doc.errors.length > 0) return configYaml;
  const set = (key: keyof JobSettings, value: string | undefined, omit?: string) => {
    if (value === undefined || value.trim() === '' || value === omit) doc.deleteIn(['job', key]);
    else doc.setIn(['job', key], value);
  };
  set('name', settings.name);
  set('description', settings.description);
  set('type', settings.type, 'ETL');
  set('schedule', settings.schedule);
  set('timezone', settings.schedule?.trim() ? settings.timezone : undefined);
  return doc.toString();
}
