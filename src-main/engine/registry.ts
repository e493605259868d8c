import type { ComponentKind, ComponentSpec } from './component';
import { closestNames } from './similar';

/**
 * The components a host offers, built once from the static list in `connectors/index.ts`; only
 * whether each is enabled changes afterwards (the Plugins page switches components on and off).
 */
export interface Registry {
  /** The enabled component of that kind and name; `undefined` when unknown or disabled. */
  get(kind: ComponentKind, name: string): ComponentSpec | undefined;
  /** Every component in list order, disabled ones included (for `fustgo plugins` and the palette). */
  list(): { spec: ComponentSpec; enabled: boolean }[];
  /** Names of the enabled components of a kind, in list order. */
  names(kind: ComponentKind): string[];
  /** Enabled names of a kind nearest to a misspelt `name`, nearest first ("did you mean"). */
  closest(kind: ComponentKind, name: string, max?: number): string[];
  /** Whether the component exists but is switched off. */
  isDisabled(kind: ComponentKind, name: string): boolean;
  /** Switches a component on or off for every later lookup; false when there is no such component. */
  setEnabled(kind: ComponentKind, name: string, enabled: boolean): boolean;
  /** The switched-off components as `"kind:name"`, in list order (what run processes are told). */
  disabledKeys(): string[];
}

export interface RegistrySettings {
  /** Components switched off: `"kind:name"` (`"output:sqlite"`) or a bare `"name"` for every kind. */
  disabled?: string[];
}

/** Whether a disabled list (`"kind:name"` or bare `"name"` items) switches this component off. */
export function listsAsDisabled(disabled: readonly string[], kind: ComponentKind, name: string): boolean {
  return disabled.includes(name) || disabled.includes(`${kind}:${name}`);
}

/** Builds the registry; throws when two components share a kind and name (a programming error). */
export function createRegistry(specs: ComponentSpec[], settings: RegistrySettings = {}): Registry {
  const disabled = settings.disabled ?? [];
  const entries = specs.map((spec) => ({ spec, enabled: !listsAsDisabled(disabled, spec.kind, spec.name) }));
  const byKey = new Map<string, { spec: ComponentSpec; enabled: boolean }>();
  for (const entry of entries) {
    const key = `${entry.spec.kind}:${entry.spec.name}`;
    if (byKey.has(key)) throw new Error(`two ${entry.spec.kind} components are named "${entry.spec.name}"`);
    byKey.set(key, entry);
  }
  const names = (kind: ComponentKind) =>
    entries.filter((e) => e.enabled && e.spec.kind === kind).map((e) => e.spec.name);

  return {
    get(kind, name) {
      const entry = byKey.get(`${kind}:${name}`);
      return entry?.enabled ? entry.spec : undefined;
    },
    list: () => entries.map((e) => ({ ...e })),
    names,
    closest: (kind, name, max = 3) => closestNames(names(kind), name, max),
    isDisabled: (kind, name) => byKey.get(`${kind}:${name}`)?.enabled === false,
    setEnabled(kind, name, enabled) {
      const entry = byKey.get(`${kind}:${name}`);
      if (entry) entry.enabled = enabled;
      return entry !== undefined;
    },
    disabledKeys: () => entries.filter((e) => !e.enabled).map((e) => `${e.spec.kind}:${e.spec.name}`),
  };
}

/** Environment variable listing disabled components, comma-separated (`output:sqlite,generate`). */
export const DISABLED_COMPONENTS_ENV = 'FUSTGO_DISABLED_COMPONENTS';

/** The environment that gives a run process the same enabled components as `registry`. */
export function registryEnv(registry: Registry): Record<string, string> {
  return { [DISABLED_COMPONENTS_ENV]: registry.disabledKeys().join(',') };
}

/** Registry settings from the environment, so the CLI, the server and every run process agree. */
export function registrySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RegistrySettings {
  const list = env[DISABLED_COMPONENTS_ENV] ?? '';
  return {
    disabled: list
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  };
}
