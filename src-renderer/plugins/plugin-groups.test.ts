import { describe, expect, it } from 'vitest';
import type { PluginInfo } from '../../src-shared/api/model';
import { filterPlugins, groupPlugins, isComponentKind, pluginHref } from './plugin-groups';

const plugin = (kind: PluginInfo['kind'], name: string, category: string, description = ''): PluginInfo => ({
  kind,
  name,
  category,
  title: name.toUpperCase(),
  description,
  status: 'stable',
  enabled: true,
});

const all = [
  plugin('output', 'sqlite', 'database'),
  plugin('processor', 'filter', 'transform', 'Keeps rows whose SQL condition is true'),
  plugin('input', 'sqlite', 'database'),
  plugin('input', 'generate', 'testing'),
  plugin('processor', 'conditional', 'flow'),
  plugin('input', 'file', 'file'),
  plugin('processor', 'aggregate', 'transform'),
];

describe('filterPlugins', () => {
  it('keeps components holding every word, in any case, in any shown field', () => {
    expect(filterPlugins(all, '').length).toBe(7);
    expect(filterPlugins(all, 'SQLite').map((p) => `${p.kind}:${p.name}`)).toEqual([
      'output:sqlite',
      'input:sqlite',
    ]);
    expect(filterPlugins(all, 'sqlite input').map((p) => p.kind)).toEqual(['input']);
    expect(filterPlugins(all, 'condition sql').map((p) => p.name)).toEqual(['filter']);
    expect(filterPlugins(all, 'transform').map((p) => p.name)).toEqual(['filter', 'aggregate']);
    expect(filterPlugins(all, 'nothing like it')).toEqual([]);
  });
});

describe('groupPlugins', () => {
  it('groups by kind in pipeline order, then category, then name', () => {
    const groups = groupPlugins(all);
    expect(
      groups.map((g) => [
        g.kind,
        g.count,
        g.categories.map((c) => `${c.category}:${c.plugins.map((p) => p.name).join(',')}`),
      ]),
    ).toEqual([
      ['input', 3, ['database:sqlite', 'file:file', 'testing:generate']],
      ['processor', 3, ['flow:conditional', 'transform:aggregate,filter']],
      ['output', 1, ['database:sqlite']],
    ]);
    expect(groupPlugins(filterPlugins(all, 'generate')).map((g) => g.kind)).toEqual(['input']);
  });
});

describe('addresses', () => {
  it('links a component and reads the kind back', () => {
    expect(pluginHref({ kind: 'processor', name: 'json_decode' })).toBe('/plugins/processor/json_decode');
    expect(isComponentKind('output')).toBe(true);
    expect(isComponentKind('widget')).toBe(false);
  });
});
