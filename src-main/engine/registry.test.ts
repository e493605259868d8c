import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineInput, defineOutput, defineProcessor, type ComponentSpec } from './component';
import { createRegistry, registryEnv, registrySettingsFromEnv } from './registry';

const meta = {
  category: 'testing',
  title: 'T',
  description: 'd',
  status: 'stable' as const,
  schema: Type.Object({}),
};
const noInput = { plan: async () => ({ lanes: 1 }), read: async function* () {} };
const noOutput = { write: async () => {}, close: async () => {} };

const specs: ComponentSpec[] = [
  defineInput({ ...meta, name: 'generate', create: () => noInput }),
  defineInput({ ...meta, name: 'file', create: () => noInput }),
  defineInput({ ...meta, name: 'sqlite', create: () => noInput }),
  defineProcessor({
    ...meta,
    name: 'filter',
    create: () => ({ bind: (columns) => ({ columns, process: (r) => r }) }),
  }),
  defineOutput({ ...meta, name: 'file', create: () => noOutput }),
  defineOutput({ ...meta, name: 'sqlite', create: () => noOutput }),
];

describe('createRegistry', () => {
  it('finds components by kind and name', () => {
    const registry = createRegistry(specs);
    expect(registry.get('input', 'sqlite')?.kind).toBe('input');
    expect(registry.get('output', 'sqlite')?.kind).toBe('output');
    expect(registry.get('processor', 'sqlite')).toBeUndefined();
    expect(registry.names('input')).toEqual(['generate', 'file', 'sqlite']);
    expect(registry.list()).toHaveLength(6);
  });

  it('hides disabled components by "kind:name" or by bare name', () => {
    const registry = createRegistry(specs, { disabled: ['output:sqlite', 'file'] });
    expect(registry.get('output', 'sqlite')).toBeUndefined();
    expect(registry.get('input', 'sqlite')).toBeDefined();
    expect(registry.get('input', 'file')).toBeUndefined();
    expect(registry.get('output', 'file')).toBeUndefined();
    expect(registry.names('output')).toEqual([]);
    expect(registry.names('input')).toEqual(['generate', 'sqlite']);
    const listed = registry.list().map((e) => `${e.spec.kind}:${e.spec.name}=${e.enabled}`);
    expect(listed).toEqual([
      'input:generate=true',
      'input:file=false',
      'input:sqlite=true',
      'processor:filter=true',
      'output:file=false',
      'output:sqlite=false',
    ]);
  });

  it('suggests the nearest enabled names for a misspelt type', () => {
    const registry = createRegistry(specs, { disabled: ['input:file'] });
    expect(registry.closest('input', 'sqlit')).toEqual(['sqlite']);
    expect(registry.closest('input', 'fil')).toEqual([]);
    expect(registry.closest('processor', 'filtr', 1)).toEqual(['filter']);
  });

  it('reads the disabled list from FUSTGO_DISABLED_COMPONENTS', () => {
    const settings = registrySettingsFromEnv({ FUSTGO_DISABLED_COMPONENTS: ' output:sqlite , file,' });
    expect(settings).toEqual({ disabled: ['output:sqlite', 'file'] });
    const registry = createRegistry(specs, settings);
    expect(registry.isDisabled('output', 'sqlite')).toBe(true);
    expect(registry.isDisabled('input', 'sqlite')).toBe(false);
    expect(registry.isDisabled('input', 'nope')).toBe(false);
    expect(registrySettingsFromEnv({})).toEqual({ disabled: [] });
  });

  it('switches a component on and off in place, and hands run processes the same list', () => {
    const registry = createRegistry(specs, { disabled: ['output:sqlite'] });
    expect(registry.setEnabled('processor', 'filter', false)).toBe(true);
    expect(registry.get('processor', 'filter')).toBeUndefined();
    expect(registry.isDisabled('processor', 'filter')).toBe(true);
    expect(registry.disabledKeys()).toEqual(['processor:filter', 'output:sqlite']);
    const inRun = createRegistry(specs, registrySettingsFromEnv(registryEnv(registry)));
    expect(inRun.disabledKeys()).toEqual(['processor:filter', 'output:sqlite']);

    expect(registry.setEnabled('output', 'sqlite', true)).toBe(true);
    expect(registry.get('output', 'sqlite')?.name).toBe('sqlite');
    expect(registry.names('output')).toEqual(['file', 'sqlite']);
    expect(registry.setEnabled('input', 'nope', false)).toBe(false);
    expect(registryEnv(registry)).toEqual({ FUSTGO_DISABLED_COMPONENTS: 'processor:filter' });
  });

  it('refuses two components of one kind with the same name', () => {
    expect(() => createRegistry([...specs, specs[0]])).toThrow('two input components are named "generate"');
  });
});
