import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../src-shared/config/app-settings';
import { formatProblem } from '../config/problem';
import {
  applySettingsPatch,
  checkSettingsValues,
  parseSettingsFile,
  renderSettingsFile,
  settingChanges,
  settingsFileTemplate,
} from './app-settings-file';

const problemLines = (text: string) => {
  const parsed = parseSettingsFile(text);
  return parsed.problems.map(formatProblem);
};

describe('settings.yaml', () => {
  it('reads every setting; what it leaves out keeps its default', () => {
    const parsed = parseSettingsFile(
      [
        '# ours',
        'log_level: debug',
        'worker:',
        '  max_concurrent_jobs: 2',
        'retention: { audit_days: 30 }',
        'telemetry:',
        '  otlp_endpoint: http://127.0.0.1:4318',
      ].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual({
      log_level: 'debug',
      worker: { max_concurrent_jobs: 2 },
      retention: { executions_days: 30, audit_days: 30, logs_days: 7 },
      telemetry: { otlp_endpoint: 'http://127.0.0.1:4318' },
    });
    expect(parseSettingsFile('').values).toEqual(DEFAULT_APP_SETTINGS);
    expect(parseSettingsFile('# only a comment\n').values).toEqual(DEFAULT_APP_SETTINGS);
    // An empty endpoint is "off", like null.
    expect(parseSettingsFile('telemetry:\n  otlp_endpoint: ""\n').values?.telemetry.otlp_endpoint).toBeNull();
  });

  it('says where each bad value is, as FILE:LINE:COL: path: message', () => {
    expect(
      problemLines(
        [
          'log_level: loud',
          'worker:',
          '  max_concurrent_jobs: 0',
          'retention:',
          '  executions_days: 2.5',
          '  audit_days: "ninety"',
          'telemetry:',
          '  otlp_endpoint: ftp://collector',
        ].join('\n'),
      ),
    ).toEqual([
      'settings.yaml:1:1: log_level: must be one of debug, info, warn, error',
      'settings.yaml:3:3: worker.max_concurrent_jobs: must be an integer ≥ 1',
      'settings.yaml:5:3: retention.executions_days: must be an integer ≥ 1',
      'settings.yaml:6:3: retention.audit_days: must be an integer ≥ 1',
      'settings.yaml:8:3: telemetry.otlp_endpoint: must be an http:// or https:// URL, or null to switch tracing off',
    ]);
    expect(problemLines('worker:\n    max_concurrent_jobs: 100000\n')).toEqual([
      'settings.yaml:2:5: worker.max_concurrent_jobs: must be at most 1000',
    ]);
  });

  it('refuses settings it does not know, suggesting the one meant', () => {
    expect(problemLines('worker:\n  max_concurent_jobs: 3\nlog_levle: info\ncolour: blue\n')).toEqual([
      'settings.yaml:3:1: log_levle: unknown setting "log_levle" (did you mean "log_level"?)',
      'settings.yaml:4:1: colour: unknown setting "colour" (known: log_level, worker, retention, telemetry)',
      'settings.yaml:2:3: worker.max_concurent_jobs: unknown setting "max_concurent_jobs" (did you mean "max_concurrent_jobs"?)',
    ]);
    expect(problemLines('worker: 5\n')).toEqual([
      'settings.yaml:1:1: worker: must be a map with max_concurrent_jobs',
    ]);
    expect(problemLines('- a\n- b\n')).toEqual([
      'settings.yaml:1:1: must be a map of settings (log_level, worker, retention, telemetry)',
    ]);
  });

  it('locates YAML that does not parse', () => {
    const lines = problemLines('worker:\n  max_concurrent_jobs: [1\nlog_level: info\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^settings\.yaml:\d+:\d+: \S/);
    expect(problemLines('log_level: info\nlog_level: debug\n')[0]).toMatch(
      /^settings\.yaml:2:1: Map keys must be unique/,
    );
  });

  it('writes a template that reads back as the same values', () => {
    const values = {
      ...DEFAULT_APP_SETTINGS,
      log_level: 'warn' as const,
      telemetry: { otlp_endpoint: 'http://otel:4318' },
    };
    const text = settingsFileTemplate(values);
    expect(text).toContain('# Runs at once in the whole app');
    expect(parseSettingsFile(text).values).toEqual(values);
  });

  it('changes only the settings that differ, keeping comments and order', () => {
    const before = [
      '# my notes: keep these',
      'worker:',
      '  max_concurrent_jobs: 5 # busy box',
      'log_level: info',
      '',
    ].join('\n');
    const next = applySettingsPatch(DEFAULT_APP_SETTINGS, { worker: { max_concurrent_jobs: 8 } });
    const after = renderSettingsFile(next, before);
    expect(after).toContain('# my notes: keep these');
    expect(after).toContain('max_concurrent_jobs: 8 # busy box');
    expect(after.indexOf('worker:')).toBeLessThan(after.indexOf('log_level:'));
    expect(parseSettingsFile(after).values).toEqual(next);
    // Unknown keys (which made the file invalid) go; a file that does not parse is replaced.
    expect(
      parseSettingsFile(renderSettingsFile(next, 'colour: blue\nworker: { extra: 1 }\n')).values,
    ).toEqual(next);
    expect(renderSettingsFile(next, 'worker: [\n')).toBe(settingsFileTemplate(next));
  });

  it('applies patches and lists what changed', () => {
    const next = applySettingsPatch(DEFAULT_APP_SETTINGS, {
      log_level: 'debug',
      retention: { logs_days: 14 },
      telemetry: { otlp_endpoint: null },
    });
    expect(settingChanges(DEFAULT_APP_SETTINGS, next)).toEqual([
      { field: 'log_level', from: 'info', to: 'debug' },
      { field: 'retention.logs_days', from: 7, to: 14 },
    ]);
    expect(checkSettingsValues(applySettingsPatch(next, { worker: { max_concurrent_jobs: -1 } }))).toEqual([
      { file: '', line: 0, col: 0, path: 'worker.max_concurrent_jobs', message: 'must be an integer ≥ 1' },
    ]);
  });
});
