import { describe, expect, it } from 'vitest';
import {
  pipelineSettingsSchema,
  pipelineSettingsValue,
} from '../../src-shared/forms/pipeline-settings-schema';
import { defaultRegistry } from '../default-registry';
import { pipelineJsonSchema } from './pipeline-json-schema';

describe('pipeline settings form schema', () => {
  const schema = pipelineSettingsSchema(pipelineJsonSchema(defaultRegistry())) as {
    properties: {
      job: { properties: Record<string, unknown> };
      pipeline: { properties: Record<string, unknown> };
    };
  };

  it('has the job and pipeline settings, not the processors, and no ${VAR} alternatives', () => {
    expect(Object.keys(schema.properties.job.properties)).toEqual(
      expect.arrayContaining(['name', 'type', 'schedule', 'timezone', 'description']),
    );
    expect(Object.keys(schema.properties.pipeline.properties)).toEqual(
      expect.arrayContaining(['channels', 'buffer', 'error_limit', 'dead_letter']),
    );
    expect(schema.properties.pipeline.properties).not.toHaveProperty('processors');
    expect(JSON.stringify(schema)).not.toContain('env_reference');
    expect(schema.properties.pipeline.properties.channels).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('reads the settings of a config, leaving the processors to the flow', () => {
    expect(
      pipelineSettingsValue({
        job: { name: 'a' },
        pipeline: { channels: 2, processors: [{ type: 'filter' }] },
      }),
    ).toEqual({ job: { name: 'a' }, pipeline: { channels: 2 } });
    expect(pipelineSettingsValue(null)).toEqual({ job: {}, pipeline: {} });
  });
});
