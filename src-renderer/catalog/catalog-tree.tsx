import { useTranslation } from 'react-i18next';
import type { CatalogConnection, CatalogDatabase, CatalogTable } from '../../src-shared/api/catalog-model';
import { api } from '../api/client';
import { formatCount } from '../app/format';
import { useAsync } from '../app/use-async';
import { useLiveScan, useScanVersion } from './scan-store';

/*
 * The catalog tree: connection → database (schema) → table → columns, each level loaded when it
 * is opened, and loaded again when a scan of its connection ends.
 */

/** What is open and what is selected; keys are `c:<id>`, `d:<id>`, `t:<id>`. */
export interface TreeState {
  expanded: ReadonlySet<string>;
  toggle(key: string): void;
  selectedTable: string | null;
  selectedConnection: string | null;
  selectTable(id: string): void;
  selectConnection(id: string): void;
}

function Twisty({ open, onClick, label }: { open: boolean; onClick: () => void; label: string }) {
  return (
    <button type="button" className="tree-twisty" aria-label={label} aria-expanded={open} onClick={onClick}>
      {open ? '▾' : '▸'}
    </button>
  );
}

function Columns({ tableId, connectionId }: { tableId: string; connectionId: string }) {
  const { t } = useTranslation();
  const version = useScanVersion(connectionId);
  const detail = useAsync(() => api.getCatalogTable({ id: tableId }), [tableId, version]);
  if (!detail.data)
    return <div className="tree-note muted small">{detail.error?.message ?? t('common.loading')}</div>;
  return (
    <ul className="tree-list">
      {detail.data.columns.map((column) => (
        <li key={column.name} className="tree-leaf" data-testid="tree-column" data-column={column.name}>
          {column.primary_key_position !== null ? (
            <span className="pk-tag" title={t('catalog.primary_key')}>
              PK
            </span>
          ) : (
            <span className="tree-icon" aria-hidden="true">
              ·
            </span>
          )}
          <span className="tree-name">{column.name}</span>
          <span className="tree-type mono">{column.native_type}</span>
        </li>
      ))}
    </ul>
  );
}

function TableNode({
  table,
  connectionId,
  tree,
}: {
  table: CatalogTable;
  connectionId: string;
  tree: TreeState;
}) {
  const { t } = useTranslation();
  const key = `t:${table.id}`;
  const open = tree.expanded.has(key);
  const selected = tree.selectedTable === table.id;
  return (
    <li>
      <div
        className={selected ? 'tree-row selected' : 'tree-row'}
        data-testid="tree-table"
        data-table={table.qualified_name}
      >
        <Twisty
          open={open}
          onClick={() => tree.toggle(key)}
          label={t(open ? 'catalog.collapse' : 'catalog.expand')}
        />
        <button type="button" className="tree-label" onClick={() => tree.selectTable(table.id)}>
          <span className="tree-icon" aria-hidden="true">
            {table.kind === 'view' ? '◇' : '▦'}
          </span>
          <span className="tree-name">{table.name}</span>
        </button>
      </div>
      {open && <Columns tableId={table.id} connectionId={connectionId} />}
    </li>
  );
}

function DatabaseNode({
  database,
  connectionId,
  tree,
}: {
  database: CatalogDatabase;
  connectionId: string;
  tree: TreeState;
}) {
  const { t, i18n } = useTranslation();
  const key = `d:${database.id}`;
  const open = tree.expanded.has(key);
  const version = useScanVersion(connectionId);
  const tables = useAsync(
    () => (open ? api.listCatalogTables({ database_id: database.id }) : Promise.resolve(null)),
    [database.id, open, version],
  );
  return (
    <li>
      <div className="tree-row" data-testid="tree-database" data-database={database.name}>
        <Twisty
          open={open}
          onClick={() => tree.toggle(key)}
          label={t(open ? 'catalog.collapse' : 'catalog.expand')}
        />
        <button type="button" className="tree-label" onClick={() => tree.toggle(key)}>
          <span className="tree-icon" aria-hidden="true">
            ▤
          </span>
          <span className="tree-name">{database.name}</span>
          <span className="tree-count">
            {formatCount(database.table_count + database.view_count, i18n.language)}
          </span>
        </button>
      </div>
      {open && (
        <ul className="tree-list">
          {tables.data?.map((table) => (
            <TableNode key={table.id} table={table} connectionId={connectionId} tree={tree} />
          ))}
          {tables.data?.length === 0 && (
            <li className="tree-note muted small">{t('catalog.empty_database')}</li>
          )}
          {!tables.data && (
            <li className="tree-note muted small">{tables.error?.message ?? t('common.loading')}</li>
          )}
        </ul>
      )}
    </li>
  );
}

function ConnectionNode({ connection, tree }: { connection: CatalogConnection; tree: TreeState }) {
  const { t } = useTranslation();
  const key = `c:${connection.connection_id}`;
  const open = tree.expanded.has(key);
  const live = useLiveScan(connection.connection_id);
  const version = useScanVersion(connection.connection_id);
  const databases = useAsync(
    () =>
      open ? api.listCatalogDatabases({ connection_id: connection.connection_id }) : Promise.resolve(null),
    [connection.connection_id, open, version],
  );
  const status = live?.status ?? connection.last_scan?.status;
  const selected = tree.selectedConnection === connection.connection_id;
  return (
    <li>
      <div
        className={selected ? 'tree-row tree-connection selected' : 'tree-row tree-connection'}
        data-testid="tree-connection"
        data-connection={connection.name}
      >
        <Twisty
          open={open}
          onClick={() => tree.toggle(key)}
          label={t(open ? 'catalog.collapse' : 'catalog.expand')}
        />
        <button
          type="button"
          className="tree-label"
          onClick={() => tree.selectConnection(connection.connection_id)}
        >
          <span className={`tree-dot ${status ?? 'never'}`} aria-hidden="true" />
          <span className="tree-name">{connection.name}</span>
          <span className="tree-count">{connection.type}</span>
        </button>
      </div>
      {open && (
        <ul className="tree-list">
          {databases.data?.map((database) => (
            <DatabaseNode
              key={database.id}
              database={database}
              connectionId={connection.connection_id}
              tree={tree}
            />
          ))}
          {databases.data?.length === 0 && (
            <li className="tree-note muted small">{t('catalog.not_scanned')}</li>
          )}
          {!databases.data && (
            <li className="tree-note muted small">{databases.error?.message ?? t('common.loading')}</li>
          )}
        </ul>
      )}
    </li>
  );
}

/** The tree of every saved connection. */
export function CatalogTree({ connections, tree }: { connections: CatalogConnection[]; tree: TreeState }) {
  return (
    <ul className="tree-list tree-root" data-testid="catalog-tree">
      {connections.map((connection) => (
        <ConnectionNode key={connection.connection_id} connection={connection} tree={tree} />
      ))}
    </ul>
  );
}
