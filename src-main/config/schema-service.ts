import type { StudioApi } from '../../src-shared/api/contract';
import type { SpecLookup } from './component-fields';
import { pipelineJsonSchema } from './pipeline-json-schema';

/** The schemas editors ask for; built per call from the registry, so they follow what is enabled. */
export function createSchemaService(registry: SpecLookup): { api: Pick<StudioApi, 'getPipelineSchema'> } {
  return { api: { getPipelineSchema: async () => pipelineJsonSchema(registry) } };
}
