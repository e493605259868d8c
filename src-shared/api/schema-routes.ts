import { Type as T } from '@sinclair/typebox';
import { route } from './route';

/** A JSON Schema document (draft-07). */
export const JsonSchemaDocument = T.Record(T.String(), T.Unknown(), {
  description: 'A JSON Schema (draft-07)',
});

/** Schemas for editors: what the YAML editor completes, explains on hover and checks as you type. */
export const schemaRoutes = {
  getPipelineSchema: route({
    method: 'GET',
    path: '/schemas/pipeline',
    input: T.Object({}),
    output: JsonSchemaDocument,
    summary:
      'The JSON Schema of a pipeline file as written, over the components enabled now (for editor completion, hover and checks)',
  }),
} as const;
