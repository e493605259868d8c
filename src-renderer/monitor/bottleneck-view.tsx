import { useTranslation } from 'react-i18next';
import type { Bottleneck, StageTimes } from '../../src-shared/api/bottleneck-model';
import { formatCount } from '../app/format';

/** The parts of one stage's bar: a stage-time field, its colour class and its label key. */
interface Part {
  key: keyof Omit<StageTimes, 'lane_ms' | 'write_batches' | 'write_p50_ms' | 'write_p95_ms'>;
  tone: 'bound' | 'idle' | 'blocked';
}

const STAGES: { name: 'reader' | 'processors' | 'writer'; parts: Part[] }[] = [
  {
    name: 'reader',
    parts: [
      { key: 'read_wait_ms', tone: 'bound' },
      { key: 'read_blocked_ms', tone: 'blocked' },
    ],
  },
  {
    name: 'processors',
    parts: [
      { key: 'process_busy_ms', tone: 'bound' },
      { key: 'process_wait_ms', tone: 'idle' },
      { key: 'process_blocked_ms', tone: 'blocked' },
    ],
  },
  {
    name: 'writer',
    parts: [
      { key: 'write_busy_ms', tone: 'bound' },
      { key: 'write_wait_ms', tone: 'idle' },
    ],
  },
];

const LABELS = {
  read_wait_ms: 'read_wait',
  read_blocked_ms: 'read_blocked',
  process_busy_ms: 'process_busy',
  process_wait_ms: 'process_wait',
  process_blocked_ms: 'process_blocked',
  write_busy_ms: 'write_busy',
  write_wait_ms: 'write_wait',
} as const satisfies Record<Part['key'], string>;

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.max(0, Math.min(100, (part / whole) * 100)) : 0;
}

/** The suggestion in the UI's language, with the numbers it refers to. */
function useSuggestion(bottleneck: Bottleneck): string {
  const { t } = useTranslation();
  const { shares, suggestion, verdict } = bottleneck;
  const share = (value: number) => `${Math.round(value * 100)}%`;
  const values = { lanes: bottleneck.lanes, channels: bottleneck.channels };
  switch (suggestion) {
    case 'split_reads':
    case 'split_key':
      return t(`monitor.bottleneck.suggestion.${suggestion}`, { ...values, share: share(shares.source) });
    case 'source_capacity':
      return t(
        bottleneck.one_lane
          ? 'monitor.bottleneck.suggestion.source_capacity_one_lane'
          : 'monitor.bottleneck.suggestion.source_capacity',
        { ...values, share: share(shares.source) },
      );
    case 'bigger_batches':
      return t('monitor.bottleneck.suggestion.bigger_batches', { ...values, share: share(shares.sink) });
    case 'lighter_processing':
      return t('monitor.bottleneck.suggestion.lighter_processing', { share: share(shares.cpu) });
    default:
      return t(
        verdict === 'inconclusive'
          ? 'monitor.bottleneck.suggestion.inconclusive'
          : 'monitor.bottleneck.suggestion.balanced',
      );
  }
}

function Verdict({ bottleneck }: { bottleneck: Bottleneck }) {
  const { t } = useTranslation();
  const suggestion = useSuggestion(bottleneck);
  return (
    <div className="monitor-verdict">
      <span
        className={`monitor-verdict-badge monitor-verdict-${bottleneck.verdict}`}
        data-testid="bottleneck-verdict"
        data-verdict={bottleneck.verdict}
      >
        {t(`monitor.bottleneck.verdict.${bottleneck.verdict}`)}
      </span>
      <span data-testid="bottleneck-suggestion">{suggestion}</span>
    </div>
  );
}

/**
 * Where a run's time went, stage by stage (reader, processors, writer), as bars of the lanes' time,
 * with the verdict and a suggestion once the run ended. Give it the stored `bottleneck` of an ended
 * run, or the `stages` of a running run's progress (live, no verdict yet).
 */
export function BottleneckView({
  bottleneck,
  stages,
}: {
  bottleneck?: Bottleneck | null;
  stages?: StageTimes | null;
}) {
  const { t, i18n } = useTranslation();
  const times = bottleneck?.stages ?? stages ?? null;
  if (!times || times.lane_ms <= 0) return null;
  const ms = (value: number | null) =>
    value === null
      ? '—'
      : `${value < 10 ? value.toFixed(2) : formatCount(Math.round(value), i18n.language)} ms`;
  return (
    <div className="monitor-bottleneck" data-testid="bottleneck-view">
      <div className="monitor-bottleneck-head">
        <span className="monitor-bottleneck-title">{t('monitor.bottleneck.title')}</span>
        {!bottleneck && <span className="muted small">{t('monitor.bottleneck.live')}</span>}
      </div>
      {bottleneck && <Verdict bottleneck={bottleneck} />}
      <div className="monitor-stages">
        {STAGES.map((stage) => (
          <div key={stage.name} className="monitor-stage" data-testid={`bottleneck-stage-${stage.name}`}>
            <span className="monitor-stage-name">{t(`monitor.bottleneck.${stage.name}`)}</span>
            <div className="monitor-stage-bar">
              {stage.parts.map((part) => {
                const width = percent(times[part.key], times.lane_ms);
                const label = `${t(`monitor.bottleneck.${LABELS[part.key]}`)}: ${Math.round(width)}%`;
                return (
                  <div
                    key={part.key}
                    className={`monitor-stage-part monitor-tone-${part.tone} monitor-part-${stage.name}`}
                    style={{ width: `${width}%` }}
                    title={label}
                    data-testid={`bottleneck-${part.key}`}
                    data-percent={Math.round(width)}
                  />
                );
              })}
            </div>
            <span className="monitor-stage-legend small muted">
              {stage.parts
                .map(
                  (part) =>
                    `${t(`monitor.bottleneck.${LABELS[part.key]}`)} ${Math.round(percent(times[part.key], times.lane_ms))}%`,
                )
                .join(' · ')}
            </span>
          </div>
        ))}
      </div>
      {times.write_batches > 0 && (
        <div className="small muted" data-testid="bottleneck-latency">
          {t('monitor.bottleneck.latency', {
            p50: ms(times.write_p50_ms),
            p95: ms(times.write_p95_ms),
            batches: formatCount(times.write_batches, i18n.language),
          })}
        </div>
      )}
    </div>
  );
}
