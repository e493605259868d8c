import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { LogLevel } from '../../src-shared/api/model';
import { ErrorBanner } from '../app/widgets';
import { ExportButtons, FollowSwitch, LevelSelect, LogLines } from './log-lines';
import { EMPTY_FILTER, searchOfFilter, type LogViewFilter } from './log-view-model';
import { useLogFeed } from './use-log-feed';

/**
 * One execution's log lines, newest first and following while it runs, with a level filter, a
 * keyword, export, and a link to the Logs page for more. For the job page's run view.
 */
export function ExecutionLogPanel({ executionId }: { executionId: string }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState<LogLevel>('info');
  const [keyword, setKeyword] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(keyword), 300);
    return () => clearTimeout(timer);
  }, [keyword]);
  const filter: LogViewFilter = useMemo(
    () => ({ ...EMPTY_FILTER, execution_id: executionId, level, q }),
    [executionId, level, q],
  );
  const feed = useLogFeed(filter);
  return (
    <div
      className="panel logs-execution-panel"
      data-testid="execution-log-panel"
      data-execution={executionId}
    >
      <div className="panel-title logs-panel-title">
        <span>
          {t('logs.execution_title')} <span className="count">{feed.entries.length}</span>
        </span>
        <span className="logs-panel-actions">
          <LevelSelect value={level} onChange={setLevel} />
          <input
            type="search"
            className="logs-inline-search"
            data-testid="execution-log-keyword"
            placeholder={t('logs.keyword_placeholder')}
            aria-label={t('logs.keyword')}
            value={keyword}
            onChange={(event) => setKeyword(event.target.value)}
          />
          <FollowSwitch feed={feed} />
          <ExportButtons filter={filter} />
          <Link
            href={`/logs?${searchOfFilter({ ...EMPTY_FILTER, execution_id: executionId })}`}
            data-testid="execution-log-open"
          >
            {t('logs.open_in_logs')}
          </Link>
        </span>
      </div>
      <ErrorBanner error={feed.error} />
      <LogLines feed={feed} q={q} showJob={false} testId="execution-log-lines" />
    </div>
  );
}
