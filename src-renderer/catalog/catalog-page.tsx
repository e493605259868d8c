import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearch } from 'wouter';
import type { CatalogSearchHit } from '../../src-shared/api/catalog-model';
import { api } from '../api/client';
import { useAsync } from '../app/use-async';
import { ErrorBanner } from '../app/widgets';
import { CatalogTree, type TreeState } from './catalog-tree';
import { catalogHref } from './catalog-text';
import { ConnectionPanel } from './connection-panel';
import { useScanStore, useScanVersion } from './scan-store';
import { SearchResults } from './search-results';
import { TableDetail } from './table-detail';

/** Waits `ms` after the last change before returning the new value (search as you type). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The metadata catalog: a tree of every saved connection's databases, tables and columns, a
 * search over names and comments, and on the right a table's detail or a connection's scans.
 * The selection lives in the URL (`#/catalog?table=<id>&column=<name>`, `?connection=<id>`).
 */
export function CatalogPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const selectedTable = params.get('table');
  const selectedColumn = params.get('column');
  const selectedConnection = selectedTable ? null : params.get('connection');

  const version = useScanVersion();
  const known = useScanStore((state) => Object.keys(state.live).sort().join(','));
  const connections = useAsync(() => api.listCatalogConnections({}), [version, known]);

  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (key: string) =>
      setExpanded((open) => {
        const next = new Set(open);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const reveal = useCallback(
    (...keys: string[]) =>
      setExpanded((open) => (keys.every((k) => open.has(k)) ? open : new Set([...open, ...keys]))),
    [],
  );
  const tree: TreeState = useMemo(
    () => ({
      expanded,
      toggle,
      selectedTable,
      selectedConnection,
      selectTable: (id) => navigate(catalogHref({ table: id })),
      selectConnection: (id) => navigate(catalogHref({ connection: id })),
    }),
    [expanded, toggle, selectedTable, selectedConnection, navigate],
  );

  const [query, setQuery] = useState('');
  const searched = useDebounced(query.trim(), 250);
  const hits = useAsync(
    () => (searched === '' ? Promise.resolve(null) : api.searchCatalog({ q: searched, limit: 200 })),
    [searched, version],
  );

  const detail = useAsync(
    () => (selectedTable ? api.getCatalogTable({ id: selectedTable }) : Promise.resolve(null)),
    [selectedTable, version],
  );
  useEffect(() => {
    const table = detail.data;
    if (table) reveal(`c:${table.connection.id}`, `d:${table.database_id}`);
  }, [detail.data, reveal]);

  const list = connections.data ?? [];
  const panelConnection = list.find((c) => c.connection_id === selectedConnection);
  const open = (hit: CatalogSearchHit) =>
    navigate(catalogHref({ table: hit.table_id, ...(hit.column ? { column: hit.column } : {}) }));

  return (
    <section className="page catalog-page" data-testid="catalog-page">
      <div className="page-header">
        <h1>{t('catalog.title')}</h1>
        <span className="muted">{t('catalog.intro')}</span>
      </div>
      <ErrorBanner error={connections.error} />
      <div className="catalog-layout">
        <aside className="panel catalog-side">
          <div className="catalog-search">
            <input
              type="search"
              data-testid="catalog-search"
              placeholder={t('catalog.search_placeholder')}
              aria-label={t('catalog.search_placeholder')}
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
          </div>
          <div className="catalog-tree-scroll">
            {query.trim() !== '' ? (
              <SearchResults
                query={searched}
                hits={searched === query.trim() ? hits.data : null}
                selected={{ table: selectedTable, column: selectedColumn }}
                onSelect={open}
              />
            ) : (
              <>
                <CatalogTree connections={list} tree={tree} />
                {connections.data && list.length === 0 && (
                  <div className="tree-note muted" data-testid="catalog-empty">
                    {t('catalog.no_connections')}
                  </div>
                )}
              </>
            )}
          </div>
        </aside>
        <div className="catalog-main">
          {selectedTable ? (
            <>
              <ErrorBanner error={detail.error} />
              {detail.data && <TableDetail table={detail.data} column={selectedColumn} />}
            </>
          ) : panelConnection ? (
            <ConnectionPanel connection={panelConnection} />
          ) : (
            <div className="empty" data-testid="catalog-pick">
              {t('catalog.pick')}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
