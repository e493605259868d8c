/**
 * Pipeline config: loading (YAML with positions, `${VAR}`, `extends`, `--set`), validation
 * against the top-level schema and every component's JSON Schema, and building a run plan.
 */
export {
  loadPipelineFile,
  loadPipelineText,
  type LoadedConfig,
  type LoadOptions,
  type LoadResult,
} from './load';
export { ConfigErrors, formatProblem, type SourcePosition } from './problem';
export { PipelineTopLevel, validatePipeline } from './validate';
export type { SpecLookup } from './component-fields';
export { buildPlan } from './plan';
export {
  connectionRefNames,
  fixedConnections,
  hasConnectionRefs,
  type ConnectionResolver,
  type ResolvedConnection,
} from './connection-refs';
export { loadAndValidate, loadAndValidateText, type CheckResult } from './check';
