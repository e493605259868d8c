/**
 * The studio's own settings (not a pipeline's): what the Settings page, the API and the settings
 * file on disk (`<data dir>/settings.yaml`) change, applied without a restart. Components switched
 * off on the Plugins page are kept by the plugin settings, not here.
 */
export interface AppSettingsValues {
  /** Level of the app log and of what runs log. */
  log_level: 'debug' | 'info' | 'warn' | 'error';
  worker: {
    /** Runs at once in the whole app; more wait as `queued`. */
    max_concurrent_jobs: number;
  };
  retention: {
    /** Executions (with their logs, checkpoints and dead letters) older than this are deleted. */
    executions_days: number;
    /** Audit log entries older than this are deleted. */
    audit_days: number;
    /** Log files older than this are deleted. */
    logs_days: number;
  };
  telemetry: {
    /** OTLP/HTTP endpoint runs' traces are exported to (e.g. http://127.0.0.1:4318); null: off. */
    otlp_endpoint: string | null;
  };
}

export const DEFAULT_APP_SETTINGS: AppSettingsValues = {
  log_level: 'info',
  worker: { max_concurrent_jobs: 5 },
  retention: { executions_days: 30, audit_days: 90, logs_days: 7 },
  telemetry: { otlp_endpoint: null },
};

/** Where services read the settings as they are now, and hear of changes. */
export interface AppSettingsSource {
  current(): AppSettingsValues;
  /** Called after every change, whatever made it (UI, API, the file on disk). Returns the unsubscribe. */
  onChange(listener: (next: AppSettingsValues, previous: AppSettingsValues) => void): () => void;
}

/** Settings that never change: for tests and for hosts without a settings service. */
export function fixedAppSettings(values: Partial<AppSettingsValues> = {}): AppSettingsSource {
  const settings = { ...DEFAULT_APP_SETTINGS, ...values };
  return { current: () => settings, onChange: () => () => undefined };
}
