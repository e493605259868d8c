import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LogEntry, LogExportFormat } from '../../src-shared/api/log-model';
import type { LogLevel } from '../../src-shared/api/model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner } from '../app/widgets';
import type { LogFeed } from './use-log-feed';
import { LOG_LEVELS, formatLogTime, highlightParts, queryInput, type LogViewFilter } from './log-view-model';
import { downloadText } from '../app/download';

/** `text` with the parts matching `q` marked. */
export function Highlighted({ text, q }: { text: string; q: string }) {
  return (
    <>
      {highlightParts(text, q).map((part, index) =>
        part.match ? (
          <mark key={index} className="logs-match" data-testid="log-match">
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

function LogLine({
  entry,
  q,
  showJob,
  jobName,
}: {
  entry: LogEntry;
  q: string;
  showJob: boolean;
  jobName: (id: string) => string;
}) {
  const { i18n } = useTranslation();
  const detail = entry.detail ? JSON.stringify(entry.detail) : '';
  return (
    <div
      className={`logs-line logs-level-${entry.level}`}
      data-testid="log-line"
      data-level={entry.level}
      data-execution={entry.execution_id ?? ''}
    >
      <span className="logs-time mono" title={entry.time}>
        {formatLogTime(entry.time, i18n.language)}
      </span>
      <span className={`logs-level mono logs-level-tag-${entry.level}`}>{entry.level.toUpperCase()}</span>
      {showJob && (
        <span className="logs-source" title={entry.execution_id ?? undefined}>
          {entry.job_id ? jobName(entry.job_id) : 'fustgo'}
          {entry.execution_id && <span className="mono muted"> #{entry.execution_id.slice(0, 8)}</span>}
        </span>
      )}
      <span className="logs-message mono">
        <span data-testid="log-message">
          <Highlighted text={entry.message} q={q} />
        </span>
        {detail && (
          <span className="logs-detail">
            {' '}
            <Highlighted text={detail} q={q} />
          </span>
        )}
      </span>
    </div>
  );
}

/** The lines of a feed, newest first, with the older pages below. */
export function LogLines({
  feed,
  q,
  showJob,
  jobName = (id) => id,
  testId,
}: {
  feed: LogFeed;
  q: string;
  showJob: boolean;
  jobName?: (id: string) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="logs-lines" data-testid={testId} data-loading={feed.loading}>
      {feed.loading && feed.entries.length === 0 && (
        <div className="muted logs-note">{t('common.loading')}</div>
      )}
      {!feed.loading && feed.entries.length === 0 && (
        <div className="empty" data-testid="logs-empty">
          {t('logs.empty')}
        </div>
      )}
      {feed.entries.map((entry, index) => (
        <LogLine
          key={`${entry.time}|${entry.execution_id ?? ''}|${index}`}
          entry={entry}
          q={q}
          showJob={showJob}
          jobName={jobName}
        />
      ))}
      {feed.hasOlder && (
        <div className="logs-note">
          <button
            type="button"
            className="button small"
            data-testid="logs-older"
            disabled={feed.loadingOlder}
            onClick={feed.loadOlder}
          >
            {feed.loadingOlder ? t('common.loading') : t('logs.older')}
          </button>
        </div>
      )}
      {feed.dropped && <div className="muted logs-note">{t('logs.dropped')}</div>}
    </div>
  );
}

/** Follow / pause, with how many lines wait while paused. */
export function FollowSwitch({ feed }: { feed: LogFeed }) {
  const { t } = useTranslation();
  if (!feed.live) return <span className="muted logs-follow-off">{t('logs.range_closed')}</span>;
  return (
    <button
      type="button"
      className={feed.paused ? 'button small' : 'button small logs-following'}
      data-testid="logs-follow"
      data-following={!feed.paused}
      aria-pressed={!feed.paused}
      onClick={() => feed.setPaused(!feed.paused)}
    >
      <span className={feed.paused ? 'logs-dot' : 'logs-dot logs-dot-live'} aria-hidden="true" />
      {feed.paused
        ? feed.waiting > 0
          ? t('logs.resume_waiting', { count: feed.waiting })
          : t('logs.resume')
        : t('logs.following')}
    </button>
  );
}

/** The minimum level. */
export function LevelSelect({ value, onChange }: { value: LogLevel; onChange: (level: LogLevel) => void }) {
  const { t } = useTranslation();
  return (
    <label className="logs-field">
      <span>{t('logs.level')}</span>
      <select
        data-testid="logs-level"
        value={value}
        onChange={(event) => onChange(event.target.value as LogLevel)}
      >
        {LOG_LEVELS.map((level) => (
          <option key={level} value={level}>
            {t(`logs.level_${level}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Export of what the filter takes, as JSON lines or text. */
export function ExportButtons({ filter }: { filter: LogViewFilter }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const save = async (format: LogExportFormat) => {
    setBusy(true);
    setError(null);
    try {
      const exported = await api.exportLogs({ ...queryInput(filter), format });
      downloadText(exported.text, exported.file_name, exported.content_type);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <span className="logs-export">
        <span className="muted">{t('logs.export')}</span>
        <button
          type="button"
          className="button small"
          data-testid="logs-export-jsonl"
          disabled={busy}
          onClick={() => void save('jsonl')}
        >
          JSONL
        </button>
        <button
          type="button"
          className="button small"
          data-testid="logs-export-text"
          disabled={busy}
          onClick={() => void save('text')}
        >
          {t('logs.export_text')}
        </button>
      </span>
      {error && <ErrorBanner error={error} onClose={() => setError(null)} />}
    </>
  );
}
