import type { Connection, ConnectionType } from '../../../src-shared/api/connection-model';
import { isPlainObject, type FieldEdit } from '../../../src-shared/forms/nested-form-model';

/*
 * A component's connection as edits: a saved connection (`connection: { ref: name }`, see README
 * "Saved connections") or fields written in the section, and what testing it sends.
 *
 * Where the saved fields go depends on the connector: into `connection` (postgresql, mysql), or
 * into the section itself (sqlite's `path`, with `connection: { ref }` beside it).
 */

export type ConnectionPlacement = 'connection' | 'root';

/** The fields of the section a saved connection of this type fills. */
export function savedFieldsOf(type: ConnectionType): string[] {
  const schema = type.schema as { properties?: Record<string, unknown> };
  return Object.keys(schema.properties ?? {});
}

/** The edits that make a section use a saved connection, or write its fields inline again. */
export function connectionEdits(
  placement: ConnectionPlacement,
  type: ConnectionType,
  section: Record<string, unknown>,
  picked: Connection | null,
  current: Connection | undefined,
): FieldEdit[] {
  if (picked) {
    const edits: FieldEdit[] = [{ path: ['connection'], value: { ref: picked.name } }];
    // sqlite: the saved `path` is used, not the one written before.
    if (placement === 'root')
      for (const field of savedFieldsOf(type))
        if (section[field] !== undefined) edits.push({ path: [field], value: undefined });
    return edits;
  }
  // Back to fields written here: start from the saved connection's (never its secrets).
  const fields = { ...(current?.config ?? {}) };
  if (placement === 'connection') return [{ path: ['connection'], value: fields }];
  return [
    { path: ['connection'], value: undefined },
    ...savedFieldsOf(type).map((field) => ({ path: [field], value: fields[field] ?? section[field] })),
  ];
}

/** What testConnection is asked: the saved connection with the fields written beside it, or the fields. */
export function connectionTestInput(
  placement: ConnectionPlacement,
  type: ConnectionType,
  section: Record<string, unknown>,
  saved: Connection | undefined,
): { id?: string; type: string; config: Record<string, unknown> } {
  const written: Record<string, unknown> =
    placement === 'connection'
      ? isPlainObject(section.connection)
        ? { ...section.connection }
        : {}
      : Object.fromEntries(
          savedFieldsOf(type).flatMap((f) => (section[f] === undefined ? [] : [[f, section[f]]])),
        );
  delete written.ref;
  // The saved connection's fields with those written beside `ref` over them; its secrets the server fills in.
  if (saved) return { id: saved.id, type: type.type, config: { ...saved.config, ...written } };
  return { type: type.type, config: written };
}
