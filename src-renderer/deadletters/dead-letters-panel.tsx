import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  DeadLetter,
  DeadLetterExportFormat,
  DeadLetterReplay,
  DeadLetterReplayPlan,
} from '../../src-shared/api/dead-letter-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { formatCount } from '../app/format';
import { useAsync } from '../app/use-async';
import { ErrorBanner, StatusBadge } from '../app/widgets';
import { useRunStore } from '../jobs/run-store';
import { cellDisplay, cellTitle } from '../preview/cell-format';
import { ReplayDialog } from './replay-dialog';
import { placeName } from './place-name';
import { ReplayHistory } from './replay-history';
import { RowEditor } from './row-editor';
import { downloadText } from '../app/download';

const PAGE_SIZE = 100;

type Notice = { kind: 'exported'; count: number; file: string } | { kind: 'replayed'; id: string };
const SEARCH_DELAY_MS = 300;

/** One cell of a row column; a column the row does not have (it failed before a processor added it) stays blank. */
function ValueCell({ row, column, type }: { row: Record<string, unknown>; column: string; type: string }) {
  if (!(column in row)) return <td className="deadletters-absent">—</td>;
  const value = row[column];
  const { text, kind } = cellDisplay(value, type);
  return (
    <td className={`mono deadletters-cell deadletters-${kind}`} title={cellTitle(value, type)}>
      {text}
    </td>
  );
}

/**
 * The rows an execution could not deliver: a table of them with their place and error, filtered by
 * place and searched; each row can be edited in place, the selection exported (CSV / JSONL) or
 * replayed through the pipeline from the place it failed, and the replays so far are listed.
 */
export function DeadLettersPanel({ jobId, executionId }: { jobId: string; executionId: string }) {
  const { t, i18n } = useTranslation();
  const count = (value: number) => formatCount(value, i18n.language);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [place, setPlace] = useState('');
  const [offset, setOffset] = useState(0);
  /** Selected dead letters by index, with their place (a replay takes one place). */
  const [selected, setSelected] = useState<Map<number, string>>(new Map());
  const [editing, setEditing] = useState<DeadLetter | null>(null);
  const [replaying, setReplaying] = useState<{ plan: DeadLetterReplayPlan; indexes: number[] } | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  // Kept as what to say, not the words, so it follows a change of language.
  const [notice, setNotice] = useState<Notice | null>(null);
  const statusVersion = useRunStore((state) => state.statusVersion);

  useEffect(() => {
    const timer = setTimeout(() => setQ(search), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => setOffset(0), [q, place]);

  const page = useAsync(
    () =>
      api.listDeadLetters({
        execution_id: executionId,
        offset,
        limit: PAGE_SIZE,
        ...(q.trim() !== '' ? { q } : {}),
        ...(place !== '' ? { place } : {}),
      }),
    [executionId, q, place, offset],
  );
  const replays = useAsync(() => api.listDeadLetterReplays({ execution_id: executionId }), [executionId]);
  const reloadPage = page.reload;
  const reloadReplays = replays.reload;
  // A replay's execution moved on (started, finished): its line and the rows' marks change.
  useEffect(() => {
    if (statusVersion === 0) return;
    reloadReplays();
    reloadPage();
  }, [statusVersion, reloadReplays, reloadPage]);

  const data = page.data;
  const entries = data?.entries ?? [];
  const selectedPlaces = useMemo(() => new Set(selected.values()), [selected]);
  const mixed = selectedPlaces.size > 1;
  const pageAllSelected = entries.length > 0 && entries.every((entry) => selected.has(entry.index));

  const toggle = (entry: DeadLetter) =>
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(entry.index)) next.delete(entry.index);
      else next.set(entry.index, entry.place);
      return next;
    });
  const togglePage = () =>
    setSelected((current) => {
      const next = new Map(current);
      for (const entry of entries)
        if (pageAllSelected) next.delete(entry.index);
        else next.set(entry.index, entry.place);
      return next;
    });

  const exportAs = async (format: DeadLetterExportFormat) => {
    setError(null);
    try {
      const exported = await api.exportDeadLetters({
        execution_id: executionId,
        format,
        ...(selected.size > 0
          ? { indexes: [...selected.keys()].sort((a, b) => a - b) }
          : { ...(q.trim() !== '' ? { q } : {}), ...(place !== '' ? { place } : {}) }),
      });
      downloadText(exported.text, exported.file_name, exported.media_type);
      setNotice({ kind: 'exported', count: exported.rows, file: exported.file_name });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const planReplay = async () => {
    setError(null);
    const indexes = [...selected.keys()].sort((a, b) => a - b);
    try {
      setReplaying({ plan: await api.planDeadLetterReplay({ execution_id: executionId, indexes }), indexes });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const replayed = (replay: DeadLetterReplay) => {
    setReplaying(null);
    setSelected(new Map());
    setNotice(replay.execution_id ? { kind: 'replayed', id: replay.execution_id.slice(0, 8) } : null);
    if (!replay.execution_id)
      setError({ message: t('dead_letters.history_skipped', { reason: replay.reason ?? '' }), problems: [] });
    reloadReplays();
    reloadPage();
  };

  const placeLabel = (where: string) => placeName(where, t);
  const from = data && data.matched > 0 ? data.offset + 1 : 0;
  const to = data ? Math.min(data.offset + data.limit, data.matched) : 0;

  return (
    <div className="panel deadletters-panel" data-testid="dead-letters-panel" data-execution-id={executionId}>
      <div className="panel-title">{t('dead_letters.title')}</div>
      <div className="deadletters-body">
        {data && (
          <div className="deadletters-summary">
            <strong data-testid="dead-letters-total" data-total={data.total}>
              {t('dead_letters.summary', { count: data.total, formatted: count(data.total) })}
            </strong>
            {data.file && (
              <span className="muted small mono deadletters-file" data-testid="dead-letters-file">
                {t('dead_letters.file', { file: data.file })}
              </span>
            )}
          </div>
        )}
        <ErrorBanner error={page.error ?? error} onClose={error ? () => setError(null) : undefined} />
        {notice && (
          <div className="deadletters-notice" role="status" data-testid="dead-letters-notice">
            {notice.kind === 'exported'
              ? t('dead_letters.exported', { count: notice.count, file: notice.file })
              : t('dead_letters.replay_started', { id: notice.id })}
            <button type="button" className="link-button" onClick={() => setNotice(null)}>
              {t('common.close')}
            </button>
          </div>
        )}
        <div className="deadletters-toolbar">
          <select
            data-testid="dead-letters-place"
            value={place}
            onChange={(event) => setPlace(event.target.value)}
            aria-label={t('dead_letters.col_place')}
          >
            <option value="">{t('dead_letters.all_places', { count: data?.total ?? 0 })}</option>
            {data?.places.map((p) => (
              <option key={p.place} value={p.place}>
                {t('dead_letters.place_option', { place: placeLabel(p.place), count: p.count })}
              </option>
            ))}
          </select>
          <input
            type="search"
            data-testid="dead-letters-search"
            placeholder={t('dead_letters.search')}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <span className="spacer" />
          {selected.size > 0 && (
            <span className="small" data-testid="dead-letters-selected">
              {t('dead_letters.selected', { count: selected.size })}{' '}
              <button type="button" className="link-button" onClick={() => setSelected(new Map())}>
                {t('dead_letters.clear_selection')}
              </button>
            </span>
          )}
          <button
            type="button"
            className="button small"
            data-testid="dead-letters-export-csv"
            title={
              selected.size > 0
                ? t('dead_letters.export_hint_selected')
                : t('dead_letters.export_hint_filtered')
            }
            disabled={!data || data.matched === 0}
            onClick={() => void exportAs('csv')}
          >
            {t('dead_letters.export_csv')}
          </button>
          <button
            type="button"
            className="button small"
            data-testid="dead-letters-export-jsonl"
            title={
              selected.size > 0
                ? t('dead_letters.export_hint_selected')
                : t('dead_letters.export_hint_filtered')
            }
            disabled={!data || data.matched === 0}
            onClick={() => void exportAs('jsonl')}
          >
            {t('dead_letters.export_jsonl')}
          </button>
          <button
            type="button"
            className="button small primary"
            data-testid="dead-letters-replay"
            title={mixed ? t('dead_letters.replay_mixed') : t('dead_letters.replay_hint')}
            disabled={selected.size === 0 || mixed}
            onClick={() => void planReplay()}
          >
            ▶ {t('dead_letters.replay')}
          </button>
        </div>
        {mixed && (
          <div className="deadletters-warning small" data-testid="dead-letters-mixed">
            {t('dead_letters.replay_mixed')}
          </div>
        )}
        {data && data.total === 0 ? (
          <div className="empty" data-testid="dead-letters-empty">
            {t('dead_letters.empty')}
          </div>
        ) : data && data.matched === 0 ? (
          <div className="empty" data-testid="dead-letters-none-match">
            {t('dead_letters.none_match')}
          </div>
        ) : (
          <div className="deadletters-table-wrap">
            <table className="grid deadletters-table" data-testid="dead-letters-table">
              <thead>
                <tr>
                  <th className="deadletters-check">
                    <input
                      type="checkbox"
                      aria-label={t('dead_letters.select_page')}
                      data-testid="dead-letters-select-page"
                      checked={pageAllSelected}
                      onChange={togglePage}
                    />
                  </th>
                  <th className="num">#</th>
                  <th className="col-actions" />
                  <th>{t('dead_letters.col_place')}</th>
                  <th>{t('dead_letters.col_state')}</th>
                  <th>{t('dead_letters.col_error')}</th>
                  {data?.columns.map((column) => (
                    <th key={column} className="mono">
                      {column}
                      {data.types[column] && <span className="deadletters-type">{data.types[column]}</span>}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr
                    key={entry.index}
                    data-testid="dead-letter-row"
                    data-index={entry.index}
                    data-place={entry.place}
                    className={selected.has(entry.index) ? 'deadletters-selected' : undefined}
                  >
                    <td className="deadletters-check">
                      <input
                        type="checkbox"
                        aria-label={t('dead_letters.select_row', { index: entry.index })}
                        data-testid="dead-letter-select"
                        checked={selected.has(entry.index)}
                        onChange={() => toggle(entry)}
                      />
                    </td>
                    <td className="num mono muted">{entry.index}</td>
                    <td className="col-actions">
                      <button
                        type="button"
                        className="button small"
                        data-testid="dead-letter-edit"
                        onClick={() => setEditing(entry)}
                      >
                        {t('dead_letters.edit')}
                      </button>
                    </td>
                    <td className="mono small" data-testid="dead-letter-place">
                      {placeLabel(entry.place)}
                    </td>
                    <td>
                      <span className="deadletters-state">
                        {entry.original_row && (
                          <span
                            className="deadletters-tag"
                            data-testid="dead-letter-edited"
                            title={entry.edited_at ?? ''}
                          >
                            {t('dead_letters.edited')}
                          </span>
                        )}
                        {entry.replay && (
                          <span className="deadletters-replayed" data-testid="dead-letter-replayed">
                            {t('dead_letters.replayed')} <StatusBadge status={entry.replay.status} />
                          </span>
                        )}
                      </span>
                    </td>
                    <td className="error-cell" title={entry.error} data-testid="dead-letter-error">
                      {entry.error}
                    </td>
                    {data?.columns.map((column) => (
                      <ValueCell
                        key={column}
                        row={entry.row}
                        column={column}
                        type={data.types[column] ?? ''}
                      />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && data.matched > data.limit && (
          <div className="deadletters-pager small">
            <button
              type="button"
              className="button small"
              data-testid="dead-letters-previous"
              disabled={data.offset === 0}
              onClick={() => setOffset(Math.max(0, data.offset - data.limit))}
            >
              {t('dead_letters.previous')}
            </button>
            <span data-testid="dead-letters-range">
              {t('dead_letters.page', { from: count(from), to: count(to), total: count(data.matched) })}
            </span>
            <button
              type="button"
              className="button small"
              data-testid="dead-letters-next"
              disabled={to >= data.matched}
              onClick={() => setOffset(data.offset + data.limit)}
            >
              {t('dead_letters.next')}
            </button>
          </div>
        )}
        <div className="deadletters-history">
          <div className="deadletters-history-title">{t('dead_letters.history_title')}</div>
          <ErrorBanner error={replays.error} />
          <ReplayHistory jobId={jobId} replays={replays.data ?? []} />
        </div>
      </div>
      {editing && data && (
        <RowEditor
          executionId={executionId}
          letter={editing}
          types={data.types}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reloadPage();
          }}
        />
      )}
      {replaying && (
        <ReplayDialog
          executionId={executionId}
          indexes={replaying.indexes}
          plan={replaying.plan}
          onClose={() => setReplaying(null)}
          onReplayed={replayed}
        />
      )}
    </div>
  );
}
