import { Type, type TSchema } from '@sinclair/typebox';
import { isPlainObject } from '../../src-shared/forms/nested-form-model';
import { ApiError } from '../../src-shared/api/errors';
import { childPath } from '../config/config-path';
import { checkAgainst, componentFields } from '../config/component-fields';
import { resolveConnectionRefs, type ConnectionResolver } from '../config/connection-refs';
import { scalarFromText, substituteText } from '../config/substitute-env';
import type { ComponentSpec } from '../engine/component';
import type { ComponentConfig } from '../../src-shared/config/pipeline';
import { secretValuesOf } from '../connections/secret-text';

/*
 * A node's config section, as the designer holds it, turned into the config a component's
 * `introspect` takes: `${VAR}`s substituted, `connection: { ref }` resolved, defaults applied, as a
 * run would see them. Only the fields that say where the database is must be valid: the rest of
 * the node (a query not written yet) has nothing to do with listing its tables.
 */

/** A section ready to introspect. */
export interface InspectableConfig {
  /** The component's config, defaults applied. */
  config: Record<string, unknown>;
  /** The saved connection it uses, for messages. */
  savedName?: string;
  /** Values no message may show (its password, whether written, from `${VAR}` or saved). */
  secrets: string[];
  /** What messages call the database: `connection "warehouse"`, `postgresql at db1:5432 database "shop"`. */
  label: string;
}

export interface InspectSectionOptions {
  /** Variables for `${VAR}` (as job runs see them). */
  env: NodeJS.ProcessEnv;
  connections: ConnectionResolver;
}

/** The schema of the fields that say where the component's database is, memoised per spec (ajv compiles once). */
const whereSchemas = new WeakMap<ComponentSpec, TSchema | null>();

/**
 * The fields that say where the database is: `connection` (postgresql, mysql), or the saved
 * connection's fields at the section's root (sqlite's `path`); null for a component without
 * saved connections, whose whole section is then left to `introspect`.
 */
function whereSchema(spec: ComponentSpec): TSchema | null {
  if (whereSchemas.has(spec)) return whereSchemas.get(spec) ?? null;
  const saved = spec.savedConnection;
  let schema: TSchema | null = null;
  if (saved?.placement === 'root') schema = saved.schema;
  else if (saved?.placement === 'connection') {
    const connection = (spec.schema as { properties?: Record<string, TSchema> }).properties?.connection;
    if (connection) schema = Type.Object({ connection });
  }
  whereSchemas.set(spec, schema);
  return schema;
}

/** Names of the top-level fields `whereSchema` covers. */
function whereFields(spec: ComponentSpec): string[] {
  const schema = whereSchema(spec) as { properties?: Record<string, unknown> } | null;
  return Object.keys(schema?.properties ?? {});
}

const isUnder = (path: string, fields: string[]) =>
  fields.some((field) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`));

/**
 * `${VAR}` substituted in every string of a parsed section. The section's quoting is lost with the
 * YAML, so a value reads as it would written unquoted (`port: ${PORT}` becomes a number), as most
 * configs write it. Variables that are not set are reported with their paths.
 */
export function substituteSectionEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path = '',
  missing: { path: string; name: string }[] = [],
): unknown {
  if (Array.isArray(value))
    return value.map((item, i) => substituteSectionEnv(item, env, childPath(path, i), missing));
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteSectionEnv(item, env, childPath(path, key), missing),
      ]),
    );
  if (typeof value !== 'string' || !value.includes('${')) return value;
  const substituted = substituteText(value, env);
  for (const name of substituted.missing) missing.push({ path, name });
  return substituted.substituted ? scalarFromText(substituted.text) : substituted.text;
}

/** What messages call the database (never a secret: host, port, database, file). */
function labelOf(type: string, where: Record<string, unknown>, savedName: string | undefined): string {
  if (savedName !== undefined) return `connection "${savedName}"`;
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  const file = text(where.path);
  if (file !== undefined) return `${type} file "${file}"`;
  const address = [text(where.host), text(where.port)].filter((part) => part !== undefined).join(':');
  const database = text(where.database);
  return `${type}${address ? ` at ${address}` : ''}${database !== undefined ? ` database "${database}"` : ''}`;
}

/**
 * The section as `spec.introspect` takes it. Throws a `bad_request` ApiError naming the field when
 * where the database is cannot be known: a `${VAR}` not set, an unknown saved connection, a
 * missing or invalid connection field.
 */
export async function inspectableConfig(
  spec: ComponentSpec,
  section: Record<string, unknown>,
  options: InspectSectionOptions,
): Promise<InspectableConfig> {
  const { type: _type, ...fields } = section;
  const where = whereFields(spec);
  const missing: { path: string; name: string }[] = [];
  const component: ComponentConfig = {
    ...(substituteSectionEnv(fields, options.env, '', missing) as Record<string, unknown>),
    type: spec.name,
  };
  const refused = (lines: string[]) => new ApiError('bad_request', lines.join('; '));
  const unset = missing.filter((m) => where.length === 0 || isUnder(m.path, where));
  if (unset.length > 0)
    throw refused(unset.map((m) => `${m.path}: environment variable "${m.name}" is not set`));

  const connection = component.connection;
  const savedName =
    isPlainObject(connection) && typeof connection.ref === 'string' ? connection.ref : undefined;
  const problems = await resolveConnectionRefs(component, options.connections, () => ({
    file: 'section',
    line: 0,
    col: 0,
  }));
  if (problems.length > 0) throw refused(problems.map((p) => `${p.path}: ${p.message}`));

  const schema = whereSchema(spec);
  const placement = spec.savedConnection?.placement;
  const whereValue =
    placement === 'connection'
      ? { connection: component.connection }
      : Object.fromEntries(where.flatMap((f) => (component[f] === undefined ? [] : [[f, component[f]]])));
  if (schema) {
    const { issues } = checkAgainst(schema, whereValue);
    if (issues.length > 0)
      throw refused(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)));
  }

  // Defaults (a port) filled in; what else the section lacks does not matter here.
  const { config } = componentFields(spec, component);
  const located = placement === 'connection' ? config.connection : config;
  const whereConfig = isPlainObject(located) ? located : {};
  return {
    config,
    ...(savedName !== undefined ? { savedName } : {}),
    secrets: secretValuesOf(whereConfig, spec.savedConnection?.secretFields ?? []),
    label: labelOf(spec.name, whereConfig, savedName),
  };
}
