import { Type as T, type Static } from '@sinclair/typebox';
import type { AppSettingsValues } from '../config/app-settings';
import { ConfigProblem, LogLevel } from './model';

/*
 * The studio's own settings as the API moves them (`AppSettingsValues` of
 * `src-shared/config/app-settings.ts`, the contract the services read). Types are checked here;
 * ranges and URLs are checked by the settings service, which says where a bad value is.
 */

export const AppSettings = T.Object({
  log_level: LogLevel,
  worker: T.Object({ max_concurrent_jobs: T.Integer() }),
  retention: T.Object({
    executions_days: T.Integer(),
    audit_days: T.Integer(),
    logs_days: T.Integer(),
  }),
  telemetry: T.Object({ otlp_endpoint: T.Union([T.String(), T.Null()]) }),
});
export type AppSettings = Static<typeof AppSettings>;

/** Compile-time check that the schema and the contract stay one shape. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesContract: Same<AppSettings, AppSettingsValues> = true;
void schemaMatchesContract;

/** Some settings to change; what is left out stays as it is. */
export const SettingsPatch = T.Object(
  {
    log_level: T.Optional(LogLevel),
    worker: T.Optional(
      T.Object({ max_concurrent_jobs: T.Optional(T.Integer()) }, { additionalProperties: false }),
    ),
    retention: T.Optional(
      T.Object(
        {
          executions_days: T.Optional(T.Integer()),
          audit_days: T.Optional(T.Integer()),
          logs_days: T.Optional(T.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
    telemetry: T.Optional(
      T.Object(
        { otlp_endpoint: T.Optional(T.Union([T.String(), T.Null()])) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SettingsPatch = Static<typeof SettingsPatch>;

/** The settings in force, where they live on disk, and what is wrong with that file, if anything. */
export const SettingsState = T.Object({
  values: AppSettings,
  defaults: AppSettings,
  /** `<data dir>/settings.yaml`: edits to it apply at once. */
  file_path: T.String(),
  /**
   * Why the file's current text is not in force (`settings.yaml:3:5: worker.max_concurrent_jobs: …`);
   * empty when the file and the values agree. The last good values stay in force meanwhile.
   */
  file_problems: T.Array(ConfigProblem),
  /** Components switched on / in all (switched on the Plugins page). */
  plugins: T.Object({ enabled: T.Integer(), total: T.Integer() }),
});
export type SettingsState = Static<typeof SettingsState>;
