import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { blankPipeline, withJobName, withJobSettings } from './job-template';

describe('job templates', () => {
  it('renames the job in an example and keeps its comments', () => {
    const yaml = '# demo\nversion: 1\njob:\n  name: generate-to-csv\ninput: { type: generate }\n';
    const renamed = withJobName(yaml, 'my orders');
    expect(renamed).toContain('# demo');
    expect(parse(renamed)).toMatchObject({ job: { name: 'my orders' }, input: { type: 'generate' } });
  });

  it('adds a job section when the example has none', () => {
    expect(parse(withJobName('version: 1\n', 'x'))).toEqual({ version: 1, job: { name: 'x' } });
  });

  it('starts a blank job as a small runnable pipeline named after it', () => {
    const config = parse(blankPipeline('Orders / EU'));
    expect(config).toMatchObject({
      version: 1,
      job: { name: 'Orders / EU' },
      input: { type: 'generate' },
      output: { type: 'file', path: 'output/Orders-EU.csv' },
    });
  });

  it('writes the wizard settings into the job section, leaving out what is empty or the default', () => {
    const yaml =
      '# mine\nversion: 1\njob:\n  name: a # old name\n  schedule: "* * * * *"\ninput: { type: generate }\n';
    const set = withJobSettings(yaml, {
      name: 'orders',
      description: 'nightly',
      type: 'ELT',
      schedule: '0 2 * * *',
      timezone: 'Asia/Shanghai',
    });
    expect(set).toContain('# mine');
    expect(parse(set).job).toEqual({
      name: 'orders',
      schedule: '0 2 * * *',
      description: 'nightly',
      type: 'ELT',
      timezone: 'Asia/Shanghai',
    });
    const manual = withJobSettings(set, { name: 'orders', type: 'ETL', schedule: '', timezone: 'UTC' });
    expect(parse(manual).job).toEqual({ name: 'orders' });
  });
});
