import type {
  Bottleneck,
  BottleneckSuggestion,
  BottleneckVerdict,
  StageTimes,
} from '../../src-shared/api/bottleneck-model';
import { formatCount } from '../../src-shared/text/count';
import type { StatsAccumulator } from './stats';

/*
 * The verdict of a run's stage times: which neighbour the lanes spent their time on, and the
 * config change that would move it. One event loop runs every lane, so a stage's wait on I/O also
 * holds whatever time the loop spent on other stages' CPU work then: the shares are of wall time.
 */

/** Runs with less lane time than this are `inconclusive`: start-up and a few batches decide them. */
export const MIN_JUDGED_LANE_MS = 1000;
/** A stage must hold at least this share of the lane time to be the bottleneck… */
export const DOMINANT_SHARE = 0.4;
/** …and this many times the share of the next one. */
export const DOMINANCE_RATIO = 1.5;
/** Channels suggested for a source-bound single lane. */
const SUGGESTED_CHANNELS = 4;

/** What the verdict needs to know besides the stage times. */
export interface RunShape {
  /** Lanes the run used. */
  lanes: number;
  /** `pipeline.channels` as the config asked. */
  channels: number;
  /** A processor kept the run on one lane (an aggregate needs every row in one place). */
  oneLane: boolean;
  records_written: number;
}

function share(part: number, whole: number): number {
  return whole > 0 ? Math.min(1, part / whole) : 0;
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function verdictOf(shares: Bottleneck['shares'], stages: StageTimes): BottleneckVerdict {
  if (stages.lane_ms < MIN_JUDGED_LANE_MS || stages.write_batches < 2) return 'inconclusive';
  const ranked = (
    [
      ['source-bound', shares.source],
      ['cpu-bound', shares.cpu],
      ['sink-bound', shares.sink],
    ] as const
  )
    .slice()
    .sort((a, b) => b[1] - a[1]);
  const [top, next] = ranked;
  return top[1] >= DOMINANT_SHARE && top[1] >= DOMINANCE_RATIO * next[1] ? top[0] : 'balanced';
}

function suggestionFor(verdict: BottleneckVerdict, run: RunShape): BottleneckSuggestion {
  switch (verdict) {
    case 'source-bound':
      if (run.oneLane) return 'source_capacity';
      if (run.lanes < run.channels) return 'split_key';
      return run.lanes === 1 ? 'split_reads' : 'source_capacity';
    case 'sink-bound':
      return 'bigger_batches';
    case 'cpu-bound':
      return 'lighter_processing';
    default:
      return 'none';
  }
}

/** The English line for the run's notes. */
function summaryOf(b: Omit<Bottleneck, 'summary'>): string {
  const { shares, stages, lanes } = b;
  const overLanes = lanes === 1 ? 'on one lane' : `over ${lanes} lanes`;
  const latency =
    stages.write_p95_ms === null
      ? ''
      : ` (p95 ${stages.write_p95_ms} ms per batch of about ${formatCount(Math.round(b.rows_per_write))} rows)`;
  const split = {
    source: percent(shares.source),
    cpu: percent(shares.cpu),
    sink: percent(shares.sink),
  };
  switch (b.suggestion) {
    case 'split_reads':
      return `source-bound: the reader waited on the source ${split.source} of the time ${overLanes}; set pipeline.channels (e.g. ${SUGGESTED_CHANNELS}) with a query.split_key so lanes read ranges in parallel`;
    case 'split_key':
      return `source-bound: the reader waited on the source ${split.source} of the time, and the input ran ${lanes} of the ${b.channels} lanes asked for; set query.split_key (an indexed numeric column) so the read splits`;
    case 'source_capacity':
      return `source-bound: the reader${lanes === 1 ? '' : 's'} waited on the source ${split.source} of the time ${overLanes}${b.one_lane ? ' (a processor keeps the run on one lane)' : ''}; the source is the limit: raise fetch.size, index the columns of query.filter and query.split_key${b.one_lane ? '' : ', or raise pipeline.channels if the source has capacity to spare'}`;
    case 'bigger_batches':
      return `sink-bound: the writer was busy ${split.sink} of the time ${overLanes}${latency}; raise output.write.batch_size for fewer, larger transactions, or pipeline.channels (now ${b.channels}) to write in parallel`;
    case 'lighter_processing':
      return `cpu-bound: the processors were busy ${split.cpu} of the time ${overLanes}; push filters on source columns down into query.filter, drop or merge processors, or compute in the source query`;
    default:
      return b.verdict === 'inconclusive'
        ? `inconclusive: the run was too short to tell what held it back`
        : `balanced: no stage held the run back alone (source ${split.source}, processors ${split.cpu}, target ${split.sink} of the time ${overLanes})`;
  }
}

/** Judges a run from its stage times. */
export function judgeBottleneck(stages: StageTimes, run: RunShape): Bottleneck {
  const shares = {
    source: share(stages.read_wait_ms, stages.lane_ms),
    cpu: share(stages.process_busy_ms, stages.lane_ms),
    sink: share(stages.write_busy_ms, stages.lane_ms),
  };
  const verdict = verdictOf(shares, stages);
  const judged: Omit<Bottleneck, 'summary'> = {
    verdict,
    shares: {
      source: Math.round(shares.source * 1000) / 1000,
      cpu: Math.round(shares.cpu * 1000) / 1000,
      sink: Math.round(shares.sink * 1000) / 1000,
    },
    suggestion: suggestionFor(verdict, run),
    lanes: run.lanes,
    channels: Math.max(1, Math.floor(run.channels)),
    one_lane: run.oneLane,
    rows_per_write: stages.write_batches > 0 ? Math.round(run.records_written / stages.write_batches) : 0,
    stages,
  };
  return { ...judged, summary: summaryOf(judged) };
}

/**
 * At the end of a run: judges its stage times into `stats.bottleneck` and, for a completed run
 * that was long enough to judge, adds the verdict as a note (a failed run's notes go with its error).
 */
export function attributeBottleneck(
  stats: StatsAccumulator,
  run: { channels: number; oneLane: boolean; completed: boolean },
): void {
  const stages = stats.stageTimes();
  if (!stages) return;
  stats.bottleneck = judgeBottleneck(stages, {
    lanes: stats.lanes,
    channels: run.channels,
    oneLane: run.oneLane,
    records_written: stats.recordsWritten,
  });
  if (run.completed && stats.bottleneck.verdict !== 'inconclusive')
    stats.notes.push(stats.bottleneck.summary);
}
