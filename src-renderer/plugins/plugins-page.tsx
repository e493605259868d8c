import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useRoute } from 'wouter';
import type { PluginInfo } from '../../src-shared/api/model';
import { api } from '../api/client';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { PluginDetailView } from './plugin-detail';
import { filterPlugins, groupPlugins, isComponentKind, pluginHref } from './plugin-groups';
import { PluginSwitch, pluginKey, usePluginSwitching } from './plugin-switch';
import { PluginTags, useCategoryName } from './plugin-tags';

/*
 * The Plugins page: every component of the registry, searchable, grouped by kind then category,
 * each with an on/off switch; `#/plugins/<kind>/<name>` shows one component (`PluginDetailView`).
 * The route needs `/plugins/*?` in app.tsx, so both addresses reach this page.
 */

function PluginRow({
  plugin,
  busy,
  onSwitch,
}: {
  plugin: PluginInfo;
  busy: boolean;
  onSwitch: (enabled: boolean) => void;
}) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const href = pluginHref(plugin);
  return (
    <tr
      data-testid="plugin-row"
      data-plugin={`${plugin.kind}/${plugin.name}`}
      data-enabled={plugin.enabled}
      className={plugin.enabled ? 'plugins-row' : 'plugins-row plugins-row-off'}
      onClick={() => navigate(href)}
    >
      <td className="plugins-col-component">
        <Link href={href} className="plugins-name mono" onClick={(event) => event.stopPropagation()}>
          {plugin.name}
        </Link>
        <div className="plugins-title">{plugin.title}</div>
      </td>
      <td className="plugins-col-status">
        <PluginTags plugin={plugin} />
        {!plugin.enabled && (
          <span className="tag plugins-off" data-testid="plugin-disabled">
            {t('plugins_page.disabled')}
          </span>
        )}
      </td>
      <td className="plugins-description">{plugin.description}</td>
      <td className="plugins-col-switch">
        <PluginSwitch plugin={plugin} busy={busy} onChange={onSwitch} />
      </td>
    </tr>
  );
}

/** Every component, searchable, with a switch per row. */
function PluginList() {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const loaded = useAsync(() => api.listPlugins({}), []);
  const [plugins, setPlugins] = useState<PluginInfo[]>([]);
  useEffect(() => setPlugins(loaded.data ?? []), [loaded.data]);
  const [query, setQuery] = useState('');
  const switching = usePluginSwitching();
  const groups = useMemo(() => groupPlugins(filterPlugins(plugins, query)), [plugins, query]);

  const setEnabled = (plugin: PluginInfo) => (enabled: boolean) =>
    setPlugins((list) => list.map((p) => (pluginKey(p) === pluginKey(plugin) ? { ...p, enabled } : p)));

  return (
    <section className="page" data-testid="plugins-page">
      <div className="page-header">
        <h1>
          {t('plugins.title')}{' '}
          <span className="muted plugins-total">{t('plugins_page.count', { count: plugins.length })}</span>
        </h1>
        <input
          type="search"
          className="plugins-search"
          data-testid="plugins-search"
          placeholder={t('plugins_page.search')}
          aria-label={t('plugins_page.search')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <p className="muted plugins-intro">{t('plugins_page.intro')}</p>
      <ErrorBanner error={loaded.error} />
      {switching.failure && (
        <ErrorBanner error={{ message: switching.failure, problems: [] }} onClose={switching.dismiss} />
      )}
      {loaded.loading && !loaded.data && <div className="muted">{t('common.loading')}</div>}
      {loaded.data && plugins.length === 0 && <div className="empty">{t('plugins.empty')}</div>}
      {plugins.length > 0 && groups.length === 0 && (
        <div className="empty" data-testid="plugins-no-match">
          {t('plugins_page.no_match', { query: query.trim() })}
        </div>
      )}
      {groups.map((group) => (
        <div className="panel plugins-group" key={group.kind} data-testid={`plugin-group-${group.kind}`}>
          <div className="panel-title">
            {t(`plugins.kind_${group.kind}`)} <span className="count">{group.count}</span>
          </div>
          <table className="grid plugins-table">
            <thead>
              <tr>
                <th className="plugins-col-component">{t('plugins_page.col_component')}</th>
                <th className="plugins-col-status">{t('plugins_page.col_status')}</th>
                <th>{t('plugins_page.col_description')}</th>
                <th className="plugins-col-switch">{t('plugins_page.col_enabled')}</th>
              </tr>
            </thead>
            {group.categories.map((category) => (
              <tbody key={category.category} data-testid="plugin-category-group">
                <tr className="plugins-category-row">
                  <th colSpan={4}>{categoryName(category.category)}</th>
                </tr>
                {category.plugins.map((plugin) => (
                  <PluginRow
                    key={plugin.name}
                    plugin={plugin}
                    busy={switching.busy.has(pluginKey(plugin))}
                    onSwitch={(enabled) => void switching.change(plugin, enabled, setEnabled(plugin))}
                  />
                ))}
              </tbody>
            ))}
          </table>
        </div>
      ))}
    </section>
  );
}

/** `#/plugins`: the list; `#/plugins/<kind>/<name>`: one component. */
export function PluginsPage() {
  const [isDetail, params] = useRoute('/plugins/:kind/:name');
  if (isDetail && isComponentKind(params.kind)) {
    const name = decodeURIComponent(params.name);
    return <PluginDetailView key={`${params.kind}/${name}`} kind={params.kind} name={name} />;
  }
  return <PluginList />;
}
