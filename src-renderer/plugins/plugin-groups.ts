import type { ComponentKind, PluginInfo } from '../../src-shared/api/model';

/*
 * The Plugins page's list: components matching a search, grouped by kind (inputs, processors,
 * outputs) and, within a kind, by category. Plain functions, unit-tested apart from React.
 */

/** Kinds in the order a pipeline runs them. */
export const KINDS: readonly ComponentKind[] = ['input', 'processor', 'output'];

export interface CategoryGroup {
  category: string;
  plugins: PluginInfo[];
}

export interface KindGroup {
  kind: ComponentKind;
  categories: CategoryGroup[];
  count: number;
}

/** The text a search looks in: what the row shows. */
function searchText(plugin: PluginInfo): string {
  return [plugin.name, plugin.title, plugin.kind, plugin.category, plugin.status, plugin.description]
    .join(' ')
    .toLowerCase();
}

/** The components that contain every word of `query` (any case, any order); all for an empty query. */
export function filterPlugins(plugins: readonly PluginInfo[], query: string): PluginInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return plugins.filter((plugin) => {
    const text = searchText(plugin);
    return words.every((word) => text.includes(word));
  });
}

/** Groups by kind in pipeline order, then by category and name alphabetically; empty kinds left out. */
export function groupPlugins(plugins: readonly PluginInfo[]): KindGroup[] {
  return KINDS.flatMap((kind) => {
    const ofKind = plugins.filter((plugin) => plugin.kind === kind);
    if (ofKind.length === 0) return [];
    const categories = [...new Set(ofKind.map((plugin) => plugin.category))].sort((a, b) =>
      a.localeCompare(b),
    );
    return [
      {
        kind,
        count: ofKind.length,
        categories: categories.map((category) => ({
          category,
          plugins: ofKind
            .filter((plugin) => plugin.category === category)
            .sort((a, b) => a.name.localeCompare(b.name)),
        })),
      },
    ];
  });
}

/** The page's address of one component: `/plugins/processor/filter`. */
export function pluginHref(plugin: Pick<PluginInfo, 'kind' | 'name'>): string {
  return `/plugins/${plugin.kind}/${encodeURIComponent(plugin.name)}`;
}

/** Narrows a route segment to a component kind. */
export function isComponentKind(value: string): value is ComponentKind {
  return (KINDS as readonly string[]).includes(value);
}
