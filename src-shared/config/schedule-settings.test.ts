import { describe, expect, it } from 'vitest';
import { NO_SCHEDULE_SETTINGS, scheduleSettingsOf } from './schedule-settings';

describe('scheduleSettingsOf', () => {
  it('reads the job section', () => {
    const yaml = [
      'version: 1',
      'job:',
      '  name: orders',
      '  schedule: "0 2 * * *"',
      '  timezone: Asia/Shanghai',
      '  missed: run_once',
      '  overlap: queue',
      '  after: [load-customers, load-products, load-customers]',
      '  triggers:',
      '    webhook: true',
      '    file: { path: inbox, pattern: "*.csv" }',
      'input: { type: generate }',
    ].join('\n');
    expect(scheduleSettingsOf(yaml)).toEqual({
      schedule: '0 2 * * *',
      timezone: 'Asia/Shanghai',
      missed: 'run_once',
      overlap: 'queue',
      after: ['load-customers', 'load-products'],
      webhook: true,
      file: { path: 'inbox', pattern: '*.csv' },
    });
  });

  it('gives the defaults for a job without those settings, text that does not parse, or wrong shapes', () => {
    expect(scheduleSettingsOf('version: 1\ninput: { type: generate }\n')).toEqual(NO_SCHEDULE_SETTINGS);
    expect(scheduleSettingsOf('job: [unclosed')).toEqual(NO_SCHEDULE_SETTINGS);
    expect(
      scheduleSettingsOf(
        'job:\n  schedule: ""\n  missed: sometimes\n  after: load\n  triggers: { file: {} }\n',
      ),
    ).toEqual(NO_SCHEDULE_SETTINGS);
  });
});
