import type { ComponentSpec, SavedConnectionSpec } from '../engine/component';
import type { Registry } from '../engine/registry';
import type { ConnectionType } from '../../src-shared/api/connection-model';

/** A connector that has saved connections: its spec's `savedConnection` and a spec to introspect with. */
export interface SavedConnectionKind extends SavedConnectionSpec {
  type: string;
  title: string;
  /** The input spec when there is one (else the output): what tests and catalog scans introspect through. */
  spec: ComponentSpec;
}

/** Every connector of the registry with saved connections, by type (its input and output share one kind). */
export function savedConnectionKinds(registry: Registry): Map<string, SavedConnectionKind> {
  const kinds = new Map<string, SavedConnectionKind>();
  for (const { spec } of registry.list()) {
    if (!spec.savedConnection || kinds.has(spec.name)) continue;
    kinds.set(spec.name, { ...spec.savedConnection, type: spec.name, title: spec.title, spec });
  }
  return kinds;
}

/** The API's view of a kind: the form schema and which of its fields are secrets. */
export function connectionTypeOf(kind: SavedConnectionKind): ConnectionType {
  return { type: kind.type, title: kind.title, schema: kind.schema, secret_fields: kind.secretFields };
}

/** The config a component of this kind would have with the saved fields, for its `introspect`. */
export function componentConfigOf(
  kind: SavedConnectionKind,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return kind.placement === 'connection' ? { connection: fields } : { ...fields };
}

/** Splits submitted fields into the stored part and the secret part; absent (undefined) fields are left out. */
export function splitSecrets(
  kind: SavedConnectionKind,
  fields: Record<string, unknown>,
): { config: Record<string, unknown>; secrets: Record<string, unknown> } {
  const config: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    (kind.secretFields.includes(key) ? secrets : config)[key] = value;
  }
  return { config, secrets };
}
