import { describe, expect, it } from 'vitest';
import type { PluginInfo } from '../../../src-shared/api/model';
import { newSection, paletteGroupOf, paletteGroups } from './palette-groups';

const plugin = (kind: PluginInfo['kind'], name: string, category: string, enabled = true): PluginInfo => ({
  name,
  kind,
  category,
  title: name.toUpperCase(),
  description: `${name} does things`,
  status: 'stable',
  enabled,
});

const registry = [
  plugin('input', 'mysql', 'database'),
  plugin('input', 'generate', 'testing'),
  plugin('input', 'kafka', 'queue'),
  plugin('processor', 'filter', 'filter'),
  plugin('processor', 'mapping', 'transform'),
  plugin('processor', 'conditional', 'flow'),
  plugin('processor', 'dedupe', 'transform', false),
  plugin('output', 'file', 'file'),
  plugin('output', 'elasticsearch', 'search'),
];

describe('the palette', () => {
  it('groups components by kind and category; unknown categories go to the kind’s last group', () => {
    expect(paletteGroupOf({ kind: 'input', category: 'testing' })).toBe('api');
    expect(paletteGroupOf({ kind: 'processor', category: 'flow' })).toBe('flow');
    expect(paletteGroupOf({ kind: 'processor', category: 'testing' })).toBe('other');
    const grouped = paletteGroups(registry, '').map(
      (kind) =>
        `${kind.kind}: ${kind.groups.map((g) => `${g.key}(${g.plugins.map((p) => p.name).join(',')})`).join(' ')}`,
    );
    expect(grouped).toEqual([
      'input: database(mysql) queue(kafka) api(generate)',
      'processor: filter(filter) transform(mapping) flow(conditional)',
      'output: file(file) search(elasticsearch)',
    ]);
  });

  it('leaves disabled components out and searches names, titles and descriptions', () => {
    const names = (query: string) =>
      paletteGroups(registry, query).flatMap((kind) =>
        kind.groups.flatMap((g) => g.plugins.map((p) => p.name)),
      );
    expect(names('')).not.toContain('dedupe');
    expect(names('elastic')).toEqual(['elasticsearch']);
    expect(names('FILE does')).toEqual(['file']);
    expect(paletteGroups(registry, 'nothing like this')).toEqual([]);
  });

  it('starts a new section from the component’s first example, else from its type alone', () => {
    expect(
      newSection({
        name: 'filter',
        examples: [
          { title: 'a', config: { condition: 'qty > 0' } },
          { title: 'b', config: { condition: 'x' } },
        ],
      }),
    ).toEqual({ type: 'filter', condition: 'qty > 0' });
    expect(newSection({ name: 'json_encode', examples: [] })).toEqual({ type: 'json_encode' });
  });
});
