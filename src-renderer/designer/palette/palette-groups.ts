import type { ComponentKind, PluginDetail, PluginInfo } from '../../../src-shared/api/model';
import { filterPlugins, KINDS } from '../../plugins/plugin-groups';
import type { Section } from '../yaml-document-edits';

/*
 * The designer's component palette, as a data-integration tool's component panel groups it: each
 * kind in pipeline order, split into groups by the components' registry `category`. The table below
 * is the only list: a category it does not name falls into its kind's last group, so a new
 * component appears without anyone touching this file.
 */

/** The palette groups of each kind, in order; the last one also takes every category not listed. */
export const PALETTE_GROUPS = {
  input: ['database', 'queue', 'file', 'api'],
  processor: ['filter', 'transform', 'aggregate', 'enrich', 'flow', 'other'],
  output: ['database', 'queue', 'file', 'search', 'other'],
} as const satisfies Record<ComponentKind, readonly string[]>;

export type PaletteGroupKey = (typeof PALETTE_GROUPS)[ComponentKind][number];

export interface PaletteGroup {
  key: PaletteGroupKey;
  plugins: PluginInfo[];
}

export interface PaletteKind {
  kind: ComponentKind;
  groups: PaletteGroup[];
}

/** The group a component goes in. */
export function paletteGroupOf(plugin: Pick<PluginInfo, 'kind' | 'category'>): PaletteGroupKey {
  const groups: readonly PaletteGroupKey[] = PALETTE_GROUPS[plugin.kind];
  return groups.includes(plugin.category as PaletteGroupKey)
    ? (plugin.category as PaletteGroupKey)
    : groups[groups.length - 1];
}

/** The enabled components matching `query`, grouped; empty groups and kinds left out. */
export function paletteGroups(plugins: readonly PluginInfo[], query: string): PaletteKind[] {
  const shown = filterPlugins(
    plugins.filter((plugin) => plugin.enabled),
    query,
  );
  return KINDS.flatMap((kind) => {
    const groups = PALETTE_GROUPS[kind].flatMap((key) => {
      const members = shown
        .filter((plugin) => plugin.kind === kind && paletteGroupOf(plugin) === key)
        .sort((a, b) => a.title.localeCompare(b.title));
      return members.length > 0 ? [{ key, plugins: members }] : [];
    });
    return groups.length > 0 ? [{ kind, groups }] : [];
  });
}

/** A new component's section: its first example when it has one (a working start), else just its type. */
export function newSection(plugin: Pick<PluginDetail, 'name' | 'examples'>): Section {
  const example = plugin.examples[0]?.config;
  const fields = example !== null && typeof example === 'object' && !Array.isArray(example) ? example : {};
  return { type: plugin.name, ...(fields as Section) };
}
