import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../../src-main/config';
import type { InputSpec, OutputSpec } from '../../src-main/engine/component';
import type { ComponentConfig, PipelineConfig } from '../../src-shared/config/pipeline';
import { fileInput, fileOutput } from '../file/spec';
import { generateInput } from '../generate/spec';
import { sqliteInput, sqliteOutput } from '../sqlite/spec';
import { testContext } from './test-support';

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/examples');
const inputs: Record<string, InputSpec> = { generate: generateInput, file: fileInput, sqlite: sqliteInput };
const outputs: Record<string, OutputSpec> = { file: fileOutput, sqlite: sqliteOutput };
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));

/** An example as a run from the CLI sees it: `${FUSTGO_EXAMPLES:-.}` unset, so data paths are relative. */
async function load(file: string): Promise<PipelineConfig> {
  const result = await loadPipelineFile(path.join(examplesDir, file), { env: {} });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.loaded.config;
}

describe('example pipelines', () => {
  it.each(examples)('%s: input and output fit their schemas', async (file) => {
    const config = await load(file);
    const ajv = new Ajv({ strict: false, allErrors: true });
    // A chain ending in a conditional has an output per branch instead of the top-level one.
    const conditional = config.pipeline?.processors?.find((p) => p.type === 'conditional') as
      { branches?: { output: ComponentConfig }[]; else?: { output: ComponentConfig } } | undefined;
    const targets = conditional
      ? [...(conditional.branches ?? []), ...(conditional.else ? [conditional.else] : [])].map(
          (b) => b.output,
        )
      : [config.output as ComponentConfig];
    for (const [section, spec] of [
      [config.input, inputs[config.input.type]],
      ...targets.map((output) => [output, outputs[output.type]] as const),
    ] as const) {
      expect(spec, `${file}: ${section.type}`).toBeDefined();
      const { type: _type, ...fields } = section;
      const validate = ajv.compile(spec.schema);
      expect(validate(fields), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect(config.job?.name).toBe(file.replace(/\.yaml$/, ''));
  });

  it('sqlite-to-jsonl exports the products in stock', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fustgo-examples-'));
    try {
      cpSync(path.join(examplesDir, 'data'), path.join(dir, 'data'), { recursive: true });
      const config = await load('sqlite-to-jsonl.yaml');
      const ctx = testContext(dir);
      const { type: _i, ...inputConfig } = config.input;
      const { type: _o, ...outputConfig } = config.output as ComponentConfig;
      const input = await sqliteInput.create(inputConfig as Parameters<typeof sqliteInput.create>[0], ctx);
      const output = await fileOutput.create(outputConfig as Parameters<typeof fileOutput.create>[0], ctx);
      for await (const batch of input.read(0, 1, ctx.signal)) await output.write(batch, 0);
      await input.close?.();
      await output.close();
      const lines = readFileSync(path.join(dir, 'output/products.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(7);
      expect(JSON.parse(lines[0])).toEqual({
        id: 1,
        sku: 'TEA-001',
        name: 'Longjing green tea 龙井',
        price: '68.00',
        stock: 40,
        updated_at: '2024-01-15T10:00:00.000Z',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
