import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { CatalogTableDetail } from '../../src-shared/api/catalog-model';
import { formatCount, formatDateTime } from '../app/format';
import { previewHref } from './catalog-text';

function Meta({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="catalog-meta-item">
      <div className="metric-label">{label}</div>
      <div className="catalog-meta-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** A table's detail: where it is, statistics, columns, indexes, foreign keys and the jobs that use it. */
export function TableDetail({ table, column }: { table: CatalogTableDetail; column: string | null }) {
  const { t, i18n } = useTranslation();
  const time = (iso: string | null) => formatDateTime(iso, i18n.language);

  useEffect(() => {
    if (column)
      document
        .querySelector(`[data-testid="detail-column"][data-column="${CSS.escape(column)}"]`)
        ?.scrollIntoView({ block: 'center' });
  }, [column, table.id]);

  return (
    <div className="catalog-detail" data-testid="table-detail" data-table={table.qualified_name}>
      <div className="catalog-detail-head">
        <div>
          <div className="muted small">
            {table.connection.name} › {table.database}
          </div>
          <h2 className="catalog-detail-title" data-testid="detail-title">
            {table.qualified_name}
            <span className="tag">{t(`catalog.${table.kind}`)}</span>
            {table.removed_at && <span className="tag tag-removed">{t('catalog.removed')}</span>}
          </h2>
          {table.comment && <div className="catalog-comment">{table.comment}</div>}
        </div>
        <Link
          href={previewHref(table.connection.id, table.qualified_name)}
          className="button small"
          data-testid="preview-link"
        >
          {t('catalog.preview')} →
        </Link>
      </div>

      <div className="catalog-meta">
        <Meta
          label={t('catalog.row_estimate')}
          value={table.row_estimate === null ? '—' : formatCount(table.row_estimate, i18n.language)}
          testId="detail-rows"
        />
        <Meta
          label={t('catalog.last_scanned')}
          value={time(table.last_scanned_at)}
          testId="detail-last-scanned"
        />
        <Meta label={t('catalog.columns_read')} value={time(table.described_at)} />
        <Meta label={t('catalog.first_seen')} value={time(table.first_seen_at)} />
        {table.source_changed_at && (
          <Meta label={t('catalog.structure_changed')} value={time(table.source_changed_at)} />
        )}
        {table.source_updated_at && (
          <Meta label={t('catalog.data_changed')} value={time(table.source_updated_at)} />
        )}
      </div>

      <div className="panel">
        <div className="panel-title">
          {t('catalog.columns')} <span className="count">{table.columns.length}</span>
        </div>
        <table className="grid catalog-columns" data-testid="detail-columns">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>{t('catalog.col_name')}</th>
              <th>{t('catalog.col_type')}</th>
              <th>{t('catalog.col_logical')}</th>
              <th>{t('catalog.col_nullable')}</th>
              <th>{t('catalog.col_default')}</th>
              <th>{t('catalog.col_comment')}</th>
            </tr>
          </thead>
          <tbody>
            {table.columns.map((c) => (
              <tr
                key={c.name}
                data-testid="detail-column"
                data-column={c.name}
                className={c.name === column ? 'highlight' : undefined}
              >
                <td className="num muted">{c.ordinal}</td>
                <td>
                  <span className="column-name">{c.name}</span>
                  {c.primary_key_position !== null && (
                    <span className="pk-tag" title={t('catalog.primary_key')}>
                      PK{table.primary_key.length > 1 ? ` ${c.primary_key_position}` : ''}
                    </span>
                  )}
                  {c.generated && <span className="tag">{t('catalog.generated')}</span>}
                  {c.auto_increment && <span className="tag">{t('catalog.auto_increment')}</span>}
                </td>
                <td className="mono">{c.native_type}</td>
                <td className="mono muted">{c.type}</td>
                <td className="small">{c.nullable ? <span className="muted">NULL</span> : 'NOT NULL'}</td>
                <td className="mono ellipsis-cell" title={c.default ?? undefined}>
                  {c.default ?? ''}
                </td>
                <td className="muted">{c.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="catalog-detail-pair">
        <div className="panel">
          <div className="panel-title">
            {t('catalog.indexes')} <span className="count">{table.indexes.length}</span>
          </div>
          {table.indexes.length === 0 ? (
            <div className="catalog-none muted">{t('catalog.no_indexes')}</div>
          ) : (
            <table className="grid" data-testid="detail-indexes">
              <tbody>
                {table.indexes.map((index) => (
                  <tr key={index.name}>
                    <td className="mono">{index.name}</td>
                    <td className="mono">({index.columns.join(', ')})</td>
                    <td>{index.unique && <span className="tag">{t('catalog.unique')}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="panel">
          <div className="panel-title">
            {t('catalog.foreign_keys')} <span className="count">{table.foreign_keys.length}</span>
          </div>
          {table.foreign_keys.length === 0 ? (
            <div className="catalog-none muted">{t('catalog.no_foreign_keys')}</div>
          ) : (
            <table className="grid" data-testid="detail-foreign-keys">
              <tbody>
                {table.foreign_keys.map((fk) => (
                  <tr key={fk.name}>
                    <td className="mono">{fk.name}</td>
                    <td className="mono">
                      ({fk.columns.join(', ')}) → {fk.ref_schema ? `${fk.ref_schema}.` : ''}
                      {fk.ref_table} ({fk.ref_columns.join(', ')})
                    </td>
                    <td className="small muted">
                      {fk.on_delete && `${t('catalog.on_delete')} ${fk.on_delete}`}
                      {fk.on_delete && fk.on_update && ' · '}
                      {fk.on_update && `${t('catalog.on_update')} ${fk.on_update}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <div className="panel">
        <div className="panel-title">
          {t('catalog.jobs')} <span className="count">{table.jobs.length}</span>
        </div>
        {table.jobs.length === 0 ? (
          <div className="catalog-none muted">{t('catalog.no_jobs')}</div>
        ) : (
          <ul className="catalog-jobs" data-testid="detail-jobs">
            {table.jobs.map((job) => (
              <li key={`${job.id}:${job.access}`}>
                <Link href={`/jobs/${job.id}`}>{job.name}</Link>
                <span className={`tag tag-${job.access}`}>
                  {t(`catalog.${job.access === 'read' ? 'reads' : 'writes'}`)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
