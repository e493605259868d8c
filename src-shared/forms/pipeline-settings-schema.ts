/*
 * The pipeline-wide settings as a form shows them: the `job` and `pipeline` sections of the pipeline
 * JSON Schema (getPipelineSchema) without the processors (the flow shows those), and without the
 * `${VAR}` alternative the editor schema allows for every value (a form field takes `${VAR}` as text).
 */

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `{ oneOf: [X, { $ref: '#/definitions/env_reference' }], …notes }` → `{ …notes, …X }`, everywhere. */
function withoutVariableAlternatives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVariableAlternatives);
  if (!isSchema(value)) return value;
  const { oneOf, ...rest } = value;
  if (
    Array.isArray(oneOf) &&
    oneOf.length === 2 &&
    isSchema(oneOf[1]) &&
    String(oneOf[1].$ref).endsWith('/env_reference')
  )
    return withoutVariableAlternatives({ ...rest, ...(oneOf[0] as Schema) });
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, withoutVariableAlternatives(item)]),
  );
}

/** The form schema of the settings: `{ job, pipeline }` with the pipeline's processors left out. */
export function pipelineSettingsSchema(pipelineSchema: unknown): Schema {
  const properties =
    isSchema(pipelineSchema) && isSchema(pipelineSchema.properties) ? pipelineSchema.properties : {};
  const pipeline = isSchema(properties.pipeline) ? properties.pipeline : {};
  const { processors: _processors, ...pipelineFields } = isSchema(pipeline.properties)
    ? pipeline.properties
    : {};
  return withoutVariableAlternatives({
    type: 'object',
    properties: {
      job: properties.job ?? { type: 'object' },
      pipeline: { ...pipeline, properties: pipelineFields },
    },
  }) as Schema;
}

/** The settings' value in a parsed config: its `job` and its `pipeline` without the processors. */
export function pipelineSettingsValue(config: unknown): Record<string, unknown> {
  const root = isSchema(config) ? config : {};
  const { processors: _processors, ...pipeline } = isSchema(root.pipeline) ? root.pipeline : {};
  return { job: isSchema(root.job) ? root.job : {}, pipeline };
}
