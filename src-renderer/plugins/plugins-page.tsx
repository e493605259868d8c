import { useTranslation } from 'react-i18next';
import type { ComponentKind, PluginInfo } from '../../src-shared/api/model';
import { api } from '../api/client';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';

const KINDS: ComponentKind[] = ['input', 'processor', 'output'];

function PluginRow({ plugin }: { plugin: PluginInfo }) {
  const { t } = useTranslation();
  return (
    <tr
      data-testid="plugin-row"
      data-plugin={`${plugin.kind}/${plugin.name}`}
      className={plugin.enabled ? '' : 'disabled'}
    >
      <td className="mono plugin-name">{plugin.name}</td>
      <td className="plugin-title">{plugin.title}</td>
      <td className="plugin-category muted">{plugin.category}</td>
      <td className="plugin-status">
        <span className={`tag tag-${plugin.status}`}>{plugin.status}</span>
        {!plugin.enabled && <span className="tag">{t('plugins.disabled')}</span>}
      </td>
      <td className="plugin-description">{plugin.description}</td>
    </tr>
  );
}

/** Every registered component, grouped by kind. */
export function PluginsPage() {
  const { t } = useTranslation();
  const plugins = useAsync(() => api.listPlugins({}), []);
  const list = plugins.data ?? [];
  return (
    <section className="page" data-testid="plugins-page">
      <div className="page-header">
        <h1>{t('plugins.title')}</h1>
      </div>
      <ErrorBanner error={plugins.error} />
      {plugins.loading && !plugins.data && <div className="muted">{t('common.loading')}</div>}
      {plugins.data && list.length === 0 && <div className="empty">{t('plugins.empty')}</div>}
      {KINDS.map((kind) => {
        const group = list
          .filter((plugin) => plugin.kind === kind)
          .sort((a, b) => a.name.localeCompare(b.name));
        if (group.length === 0) return null;
        return (
          <div className="panel plugin-group" key={kind} data-testid={`plugin-group-${kind}`}>
            <div className="panel-title">
              {t(`plugins.kind_${kind}`)} <span className="count">{group.length}</span>
            </div>
            <table className="grid">
              <tbody>
                {group.map((plugin) => (
                  <PluginRow key={plugin.name} plugin={plugin} />
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}
