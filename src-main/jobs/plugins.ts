import { OnErrorSchema } from '../config/validate';
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

/**
 * A component's JSON Schema as users see it: a processor's includes `on_error`, which every
 * processor takes beside `type` (the runtime applies it, so no processor declares it itself).
 */
export function publishedSchema(spec: ComponentSpec): unknown {
  // A plain copy: TypeBox marks its schemas with symbol keys that no transport should carry.
  const schema = JSON.parse(JSON.stringify(spec.schema)) as { properties?: Record<string, unknown> };
  if (spec.kind === 'processor')
    schema.properties = {
      ...schema.properties,
      on_error: JSON.parse(JSON.stringify(OnErrorSchema)) as unknown,
    };
  return schema;
}

/** One component with its JSON Schema (TypeBox schemas are JSON Schema) and examples. */
export function pluginDetail(registry: Registry, kind: string, name: string): PluginDetail | undefined {
  const entry = registry.list().find((e) => e.spec.kind === kind && e.spec.name === name);
  if (!entry) return undefined;
  return {
    ...pluginInfo(entry.spec, entry.enabled),
    schema: publishedSchema(entry.spec),
    examples: entry.spec.examples ?? [],
  };
}
