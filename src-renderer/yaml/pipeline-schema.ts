import { configureMonacoYaml, type JSONSchema, type MonacoYaml } from 'monaco-yaml';
import type { StudioApi } from '../../src-shared/api/contract';
import { monaco, yamlMonaco } from './monaco';

/*
 * Schema-driven pipeline YAML (monaco-yaml): completion of keys and values, hover docs and
 * squiggles (marker owner `yaml`) from the pipeline JSON Schema the API assembles from the enabled
 * components. It applies to pipeline models only, named by `pipelineModelUri`; our own validation
 * (owner `fustgo-validate`) and the catalog completions work beside it.
 */

/** Pipeline models are named `…/pipeline-<n>.fustgo.yaml`; yaml-language-server matches the end of the URI. */
const PIPELINE_FILES = '*.fustgo.yaml';
/** The schema's name in yaml-language-server; never fetched (`enableSchemaRequest: false`). */
const SCHEMA_URI = 'fustgo://schemas/pipeline.json';

let yaml: MonacoYaml | undefined;
let models = 0;

/** A fresh URI for a pipeline's YAML model: the pipeline schema applies to these models only. */
export function pipelineModelUri(): monaco.Uri {
  models += 1;
  return monaco.Uri.parse(`inmemory://fustgo/pipeline-${models}.fustgo.yaml`);
}

/**
 * Sets monaco-yaml up once per page, then (re)loads the pipeline schema: called by each YAML editor
 * as it opens, so a component enabled or disabled since shows in the next editor.
 */
export async function loadPipelineSchema(api: StudioApi): Promise<void> {
  yaml ??= configureMonacoYaml(yamlMonaco, {
    enableSchemaRequest: false,
    // The schema has no address to show: the source line would be a dead link.
    hoverSchemaSource: false,
    schemas: [],
  });
  let schema: JSONSchema;
  try {
    schema = (await api.getPipelineSchema({})) as JSONSchema;
  } catch {
    return; // schema help is a help: without the API the editor still edits, and our validation still marks
  }
  await yaml.update({ schemas: [{ uri: SCHEMA_URI, fileMatch: [PIPELINE_FILES], schema }] });
}
