import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../src-shared/config/app-settings';
import { formOf, formProblems, patchOf } from './settings-form';

describe('the Settings form', () => {
  it('shows the settings as text and sends only what changed', () => {
    const form = formOf(DEFAULT_APP_SETTINGS);
    expect(form).toMatchObject({ max_concurrent_jobs: '5', otlp_endpoint: '' });
    expect(patchOf(DEFAULT_APP_SETTINGS, form)).toEqual({});
    expect(
      patchOf(DEFAULT_APP_SETTINGS, {
        ...form,
        max_concurrent_jobs: '3',
        audit_days: '30',
        otlp_endpoint: ' http://otel:4318 ',
      }),
    ).toEqual({
      worker: { max_concurrent_jobs: 3 },
      retention: { audit_days: 30 },
      telemetry: { otlp_endpoint: 'http://otel:4318' },
    });
    // Emptying the endpoint switches tracing off.
    const tracing = { ...DEFAULT_APP_SETTINGS, telemetry: { otlp_endpoint: 'http://otel:4318' } };
    expect(patchOf(tracing, { ...formOf(tracing), otlp_endpoint: '' })).toEqual({
      telemetry: { otlp_endpoint: null },
    });
  });

  it('says which fields cannot be saved', () => {
    const form = formOf(DEFAULT_APP_SETTINGS);
    expect(formProblems(form)).toEqual({});
    expect(
      formProblems({
        ...form,
        max_concurrent_jobs: '0',
        logs_days: '1.5',
        executions_days: '',
        otlp_endpoint: 'otel:4318 x',
      }),
    ).toEqual({
      max_concurrent_jobs: 'integer',
      executions_days: 'integer',
      logs_days: 'integer',
      otlp_endpoint: 'url',
    });
  });
});
