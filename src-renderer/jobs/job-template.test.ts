import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { blankPipeline, withJobName } from './job-template';

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
});
