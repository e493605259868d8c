/**
 * The pipeline config as written in YAML (version 1), after `extends` and `${VAR}` are resolved.
 * Component sections are open records: each component's own JSON Schema validates its fields.
 */
export interface ComponentConfig {
  type: string;
  [field: string]: unknown;
}

export interface PipelineConfig {
  version: 1;
  job?: {
    name?: string;
    type?: string;
    schedule?: string;
    timezone?: string;
    description?: string;
    retry?: { attempts?: number; delay_seconds?: number; max_delay_seconds?: number };
    missed?: 'skip' | 'run_once';
    overlap?: 'skip' | 'queue';
    after?: string[];
    triggers?: { webhook?: boolean; file?: { path: string; pattern?: string } };
  };
  input: ComponentConfig;
  pipeline?: {
    /** Lanes the run uses; each lane reads its own split of the source. */
    channels?: number;
    /** Batches buffered between two stages before the upstream stage waits. */
    buffer?: number;
    processors?: ComponentConfig[];
    /** Rejected rows tolerated before the run fails: a count, or a percentage of rows read (`"1%"`). Default 0. */
    error_limit?: number | string;
    /** The JSON Lines file rejected rows go to (relative to the pipeline file); default a file per run in the data dir. */
    dead_letter?: { path: string };
  };
  /**
   * Where rows go. Absent (validation forbids it) when the chain ends in a `conditional`, whose
   * branches have their own outputs.
   */
  output?: ComponentConfig;
}
