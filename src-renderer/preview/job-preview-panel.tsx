import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PreviewResult } from '../../src-shared/api/preview-model';
import { api } from '../api/client';
import { errorText, type ErrorText } from '../api/error-text';
import { ErrorBanner } from '../app/widgets';
import { DataGrid } from './data-grid';

type Side = 'input' | 'output';

/** The job page's look at its data: the first rows its input reads, or its target table as it is now. */
export function JobPreviewPanel({ jobId, unsaved }: { jobId: string; unsaved: boolean }) {
  const { t } = useTranslation();
  const [side, setSide] = useState<Side | null>(null);
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    if (side) panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [side, result]);

  const show = async (next: Side) => {
    setSide(next);
    setLoading(true);
    setError(null);
    try {
      setResult(await api.previewJob({ job_id: jobId, side: next }));
    } catch (failure) {
      setResult(null);
      setError(errorText(failure));
    } finally {
      setLoading(false);
    }
  };

  const button = (which: Side) => (
    <button
      type="button"
      className={side === which ? 'button small active' : 'button small'}
      data-testid={`job-preview-${which}`}
      disabled={loading}
      onClick={() => void show(which)}
    >
      {t(which === 'input' ? 'preview.job_input' : 'preview.job_output')}
    </button>
  );

  return (
    <section ref={panel} className={`panel job-preview${side ? ' open' : ''}`} data-testid="job-preview">
      <div className="panel-title">
        {t('preview.title')}
        <span className="spacer" />
        {side && (
          <button type="button" className="link-button" onClick={() => setSide(null)}>
            {t('common.close')}
          </button>
        )}
        {button('input')}
        {button('output')}
      </div>
      {side && (
        <div className="job-preview-body">
          {unsaved && <div className="diff-unsaved small">{t('preview.job_unsaved')}</div>}
          <ErrorBanner error={error} onClose={() => setError(null)} />
          {loading && <div className="muted">{t('preview.running')}</div>}
          {result && !loading && (
            <>
              <div className="muted small" data-testid="job-preview-source">
                {result.source.label}
                {result.source.table ? ` · ${result.source.table}` : ''} ·{' '}
                {t('preview.rows_shown', {
                  count: result.rows.length,
                  formatted: String(result.rows.length),
                })}
                {result.has_more ? ` ${t('preview.more_rows')}` : ''}
              </div>
              {result.notes.length > 0 && (
                <ul className="preview-notes">
                  {result.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              )}
              <DataGrid columns={result.columns} rows={result.rows} height={300} testId="job-preview-grid" />
            </>
          )}
        </div>
      )}
    </section>
  );
}
