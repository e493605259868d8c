import { describe, expect, it } from 'vitest';
import { hasJobField, withJobField, yamlParses } from './schedule-edits';

const base = [
  'version: 1',
  'job:',
  '  name: orders # the nightly load',
  'input: { type: generate }',
  '',
].join('\n');

describe('withJobField', () => {
  it('sets a job field, keeping comments and the rest', () => {
    expect(withJobField(base, ['schedule'], '0 2 * * *')).toBe(
      [
        'version: 1',
        'job:',
        '  name: orders # the nightly load',
        '  schedule: 0 2 * * *',
        'input: { type: generate }',
        '',
      ].join('\n'),
    );
  });

  it('writes lists and nested triggers, and removes what is emptied', () => {
    let yaml = withJobField(base, ['after'], ['load-customers', 'load-products']);
    yaml = withJobField(yaml, ['triggers', 'webhook'], true);
    yaml = withJobField(yaml, ['triggers', 'file'], { path: 'inbox', pattern: '*.csv' });
    expect(yaml).toBe(
      [
        'version: 1',
        'job:',
        '  name: orders # the nightly load',
        '  after:',
        '    - load-customers',
        '    - load-products',
        '  triggers:',
        '    webhook: true',
        '    file:',
        '      path: inbox',
        '      pattern: "*.csv"',
        'input: { type: generate }',
        '',
      ].join('\n'),
    );
    expect(hasJobField(yaml, ['triggers', 'file'])).toBe(true);
    yaml = withJobField(yaml, ['triggers', 'webhook'], false);
    yaml = withJobField(yaml, ['triggers', 'file'], undefined);
    yaml = withJobField(yaml, ['after'], []);
    expect(yaml).toBe(base);
    expect(hasJobField(yaml, ['triggers', 'file'])).toBe(false);
  });

  it('creates the job section when there is none, and leaves text that does not parse alone', () => {
    expect(withJobField('version: 1\n', ['missed'], 'run_once')).toBe(
      'version: 1\njob:\n  missed: run_once\n',
    );
    expect(withJobField('job: [unclosed', ['schedule'], '* * * * *')).toBe('job: [unclosed');
    expect(yamlParses('job: [unclosed')).toBe(false);
    expect(yamlParses(base)).toBe(true);
  });
});
