import type { ComponentSpec } from '../engine/component';
import type { Registry } from '../engine/registry';
import type { PluginDetail, PluginInfo } from '../../src-shared/api/model';

function pluginInfo(spec: ComponentSpec, enabled: boolean): PluginInfo {
  return {
    name: spec.name,
    kind: spec.kind,
    category: spec.category,
    title: spec.title,
    description: spec.description,
    status: spec.status,
    enabled,
  };
}

/** Every component of the registry, disabled ones included, in palette order. */
export function listPluginInfo(registry: Registry): PluginInfo[] {
  return registry.list().map(({ spec, enabled }) => pluginInfo(spec, enabled));
}

/** One component with its JSON Schema (TypeBox schemas are JSON Schema) and examples. */
export function pluginDetail(registry: Registry, kind: string, name: string): PluginDetail | undefined {
  const entry = registry.list().find((e) => e.spec.kind === kind && e.spec.name === name);
  if (!entry) return undefined;
  return {
    ...pluginInfo(entry.spec, entry.enabled),
    // A plain copy: TypeBox marks its schemas with symbol keys that no transport should carry.
    schema: JSON.parse(JSON.stringify(entry.spec.schema)) as unknown,
    examples: entry.spec.examples ?? [],
  };
}
