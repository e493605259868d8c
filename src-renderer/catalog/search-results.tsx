import { useTranslation } from 'react-i18next';
import type { CatalogSearchHit } from '../../src-shared/api/catalog-model';

/** Search hits: connection › database, the table, the column and its type, and where the text matched. */
export function SearchResults({
  query,
  hits,
  selected,
  onSelect,
}: {
  query: string;
  hits: CatalogSearchHit[] | null;
  selected: { table: string | null; column: string | null };
  onSelect: (hit: CatalogSearchHit) => void;
}) {
  const { t } = useTranslation();
  if (hits === null) return <div className="tree-note muted small">{t('common.loading')}</div>;
  if (hits.length === 0)
    return (
      <div className="tree-note muted" data-testid="search-empty">
        {t('catalog.no_results', { q: query })}
      </div>
    );
  return (
    <div data-testid="search-results">
      <div className="tree-note muted small">{t('catalog.results', { count: hits.length })}</div>
      <ul className="search-hits">
        {hits.map((hit) => {
          const active = selected.table === hit.table_id && selected.column === hit.column;
          return (
            <li key={`${hit.table_id}:${hit.column ?? ''}`}>
              <button
                type="button"
                className={active ? 'search-hit selected' : 'search-hit'}
                data-testid="search-hit"
                data-kind={hit.kind}
                data-table={hit.table}
                data-column={hit.column ?? ''}
                onClick={() => onSelect(hit)}
              >
                <span className="search-hit-main">
                  <span className="tree-icon" aria-hidden="true">
                    {hit.kind === 'column' ? '·' : hit.table_kind === 'view' ? '◇' : '▦'}
                  </span>
                  <span className="mono search-hit-name">
                    {hit.table}
                    {hit.column && (
                      <>
                        .<strong>{hit.column}</strong>
                      </>
                    )}
                  </span>
                  {hit.native_type && <span className="tree-type mono">{hit.native_type}</span>}
                </span>
                <span className="search-hit-where muted small">
                  {hit.connection_name} › {hit.database}
                  {hit.matched === 'comment' && ` · ${t('catalog.matched_comment')}: ${hit.comment ?? ''}`}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
