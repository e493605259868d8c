import type { ConfigProblem } from '../../src-shared/api/model';
import { formatPath, type PathSegment } from './config-path';
import { problemAt, type SourcePosition } from './problem';

/** A saved connection as a pipeline uses it: its connector and the config fields it supplies (secrets included). */
export interface ResolvedConnection {
  type: string;
  /** The saved fields (host, port, database, username, password… or path). */
  fields: Record<string, unknown>;
  /** Where they go in the component's config (see `SavedConnectionSpec.placement`). */
  placement: 'connection' | 'root';
}

/**
 * Looks up a saved connection by name. Returns undefined for an unknown name; throws with a
 * reason (never a secret) when it exists but cannot be used, e.g. its password does not decrypt.
 */
export interface ConnectionResolver {
  resolve(name: string): Promise<ResolvedConnection | undefined>;
  /** Names of the saved connections, for "did you mean" and "known: …" in problems. */
  names(): Promise<string[]>;
}

type Plain = Record<string, unknown>;

const isMap = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A component config (`type:` set) that refers to a saved connection, and where it sits. */
interface RefSite {
  component: Plain;
  path: PathSegment[];
  name: unknown;
}

/** Every `connection: { ref }` of the config's components, wherever they are nested (branches too). */
function refSites(node: unknown, path: PathSegment[], out: RefSite[]): RefSite[] {
  if (Array.isArray(node)) node.forEach((item, i) => refSites(item, [...path, i], out));
  else if (isMap(node)) {
    const connection = node.connection;
    if (typeof node.type === 'string' && isMap(connection) && 'ref' in connection) {
      out.push({ component: node, path, name: connection.ref });
    }
    for (const [key, value] of Object.entries(node)) refSites(value, [...path, key], out);
  }
  return out;
}

/** True when the config refers to a saved connection anywhere (so hosts open the store only then). */
export function hasConnectionRefs(config: unknown): boolean {
  return refSites(config, [], []).length > 0;
}

/** Names of the saved connections the config refers to. */
export function connectionRefNames(config: unknown): string[] {
  return [
    ...new Set(
      refSites(config, [], []).flatMap((site) => (typeof site.name === 'string' ? [site.name] : [])),
    ),
  ];
}

/**
 * Replaces every `connection: { ref: name, …overrides }` in a loaded config with the saved
 * connection's fields, before validation sees it. Fields written beside `ref` win over the saved
 * ones (`{ ref: warehouse, database: staging }`). Problems name the `ref` and never a saved value.
 */
export async function resolveConnectionRefs(
  config: unknown,
  resolver: ConnectionResolver | undefined,
  locate: (path: string) => SourcePosition,
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const site of refSites(config, [], [])) {
    const refPath = formatPath([...site.path, 'connection', 'ref']);
    const problem = (message: string) => problems.push(problemAt(locate(refPath), refPath, message));
    if (typeof site.name !== 'string' || site.name === '') {
      problem('must be the name of a saved connection');
      continue;
    }
    if (!resolver) {
      problem(`saved connections are not available here, so "${site.name}" cannot be resolved`);
      continue;
    }
    let saved: ResolvedConnection | undefined;
    try {
      saved = await resolver.resolve(site.name);
    } catch (error) {
      problem(
        `connection "${site.name}" cannot be used: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    if (!saved) {
      const known = await resolver.names();
      problem(
        `no saved connection "${site.name}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (none is saved yet)'}`,
      );
      continue;
    }
    if (saved.type !== site.component.type) {
      problem(`connection "${site.name}" is a ${saved.type} connection, not ${String(site.component.type)}`);
      continue;
    }
    const { ref: _ref, ...overrides } = site.component.connection as Plain;
    if (saved.placement === 'connection') {
      site.component.connection = { ...saved.fields, ...overrides };
    } else {
      delete site.component.connection;
      for (const [key, value] of Object.entries({ ...saved.fields, ...overrides })) {
        if (!(key in site.component)) site.component[key] = value;
      }
    }
  }
  return problems;
}

/** A resolver over connections already resolved elsewhere (the host hands a run process what its config needs). */
export function fixedConnections(connections: Record<string, ResolvedConnection>): ConnectionResolver {
  return {
    resolve: async (name) => connections[name],
    names: async () => Object.keys(connections),
  };
}
