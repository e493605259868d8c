import { useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PluginInfo } from '../../../src-shared/api/model';
import { api } from '../../api/client';
import { useAsync } from '../../app/use-async';
import { ErrorBanner } from '../../app/widgets';
import { newSection, paletteGroups } from './palette-groups';
import type { Section } from '../yaml-document-edits';

/*
 * The designer's component palette (left of the canvas): every enabled component of the registry,
 * searchable, grouped by kind and category. A component is dragged onto the canvas, or added at the
 * end of the flow by double-click or Enter.
 */

/** The drag payload type: the component's kind and name as JSON. */
const COMPONENT_MIME = 'application/x-fustgo-component';

const sections = new Map<string, Promise<Section>>();

/**
 * The section a new component starts from (its first example, else its type), loaded once per
 * component; when the registry cannot be asked, just its type.
 */
export function loadNewSection(plugin: Pick<PluginInfo, 'kind' | 'name'>): Promise<Section> {
  const key = `${plugin.kind}/${plugin.name}`;
  let loading = sections.get(key);
  if (!loading) {
    loading = api.getPlugin({ kind: plugin.kind, name: plugin.name }).then(newSection, () => {
      sections.delete(key);
      return { type: plugin.name };
    });
    sections.set(key, loading);
  }
  return loading;
}

export interface ComponentPaletteProps {
  /** The YAML does not parse: components cannot be added. */
  disabled: boolean;
  /** Double-click or Enter on a component. */
  onAdd: (plugin: PluginInfo) => void;
  /** A component's drag started (the plugin) or ended (null). */
  onDrag: (plugin: PluginInfo | null) => void;
}

export function ComponentPalette({ disabled, onAdd, onDrag }: ComponentPaletteProps) {
  const { t } = useTranslation();
  const loaded = useAsync(() => api.listPlugins({}), []);
  const [query, setQuery] = useState('');
  const kinds = useMemo(() => paletteGroups(loaded.data ?? [], query), [loaded.data, query]);

  const startDrag = (plugin: PluginInfo) => (event: DragEvent) => {
    if (disabled) {
      event.preventDefault();
      return;
    }
    event.dataTransfer.setData(COMPONENT_MIME, JSON.stringify({ kind: plugin.kind, name: plugin.name }));
    event.dataTransfer.setData('text/plain', plugin.name);
    event.dataTransfer.effectAllowed = 'copy';
    onDrag(plugin);
  };
  const onKey = (plugin: PluginInfo) => (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    if (!disabled) onAdd(plugin);
  };

  return (
    <aside className="panel designer-palette" data-testid="palette" aria-label={t('designer.palette_title')}>
      <div className="panel-title">{t('designer.palette_title')}</div>
      <input
        type="search"
        className="designer-palette-search"
        data-testid="palette-search"
        placeholder={t('designer.palette_search')}
        aria-label={t('designer.palette_search')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div className="designer-palette-hint muted small">
        {disabled ? t('designer.palette_disabled') : t('designer.palette_hint')}
      </div>
      <ErrorBanner error={loaded.error} />
      <div className="designer-palette-list">
        {loaded.data && kinds.length === 0 && (
          <div className="muted small designer-palette-empty">
            {t('designer.palette_no_match', { query: query.trim() })}
          </div>
        )}
        {kinds.map((kind) => (
          <section
            key={kind.kind}
            className="designer-palette-kind"
            data-testid={`palette-kind-${kind.kind}`}
          >
            <h3 className={`designer-palette-kind-title kind-${kind.kind}`}>
              {t(`plugins.kind_${kind.kind}`)}
            </h3>
            {kind.groups.map((group) => (
              <div key={group.key} className="designer-palette-group">
                <h4>{t(`designer.group_${group.key}`)}</h4>
                <ul>
                  {group.plugins.map((plugin) => (
                    <li
                      key={plugin.name}
                      className={`designer-palette-item kind-${plugin.kind}`}
                      data-testid="palette-item"
                      data-component={`${plugin.kind}/${plugin.name}`}
                      role="button"
                      tabIndex={0}
                      aria-disabled={disabled}
                      draggable={!disabled}
                      title={plugin.description}
                      onDragStart={startDrag(plugin)}
                      onDragEnd={() => onDrag(null)}
                      onDoubleClick={() => !disabled && onAdd(plugin)}
                      onKeyDown={onKey(plugin)}
                    >
                      <span className="designer-palette-item-title">{plugin.title}</span>
                      <span className="designer-palette-item-name mono">{plugin.name}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
