import { pushdownFilter, type PushdownResult } from '../engine/expression/pushdown';
import { silentLogger, type ComponentContext, type ComponentSpec } from '../engine/component';
import type { PlacedComponent } from './validate';

/** What pushing the first filter into the source query did, for `--explain` and the run log. */
export interface FilterPushdown extends PushdownResult {
  /** The filter's path (`pipeline.processors[0]`). */
  processor: string;
  /** The source table. */
  table: string;
  /** The source query's whole WHERE after pushdown (its own `filter` and what was pushed). */
  filter?: string;
}

type Config = Record<string, unknown>;

/**
 * When a SQL input reading one table is directly followed by a `filter`, pushes what the database
 * can evaluate of the filter's condition into the input's `query.filter`. The filter itself stays
 * in the chain and still sees every row read, so results never depend on the database's reading.
 * Returns the input's config with the pushed WHERE, or nothing when there is nothing to push
 * (the table's columns come from a short catalog read; when that fails, nothing is pushed).
 */
export async function pushdownFirstFilter(
  placed: PlacedComponent[],
  specFor: (place: PlacedComponent) => ComponentSpec,
  inputConfig: Config,
  context: ComponentContext,
): Promise<{ input: Config; pushdown: FilterPushdown } | undefined> {
  const [inputPlace, first] = placed;
  if (!inputPlace || inputPlace.kind !== 'input' || first?.kind !== 'processor') return undefined;
  const spec = specFor(inputPlace);
  const query = inputConfig.query as { table?: unknown; filter?: unknown } | undefined;
  const filter = first.component as { type: string; condition?: unknown; mode?: unknown };
  if (!spec.filterDialect || !spec.introspect || typeof query?.table !== 'string') return undefined;
  if (
    filter.type !== 'filter' ||
    typeof filter.condition !== 'string' ||
    (filter.mode ?? 'include') !== 'include'
  )
    return undefined;
  let columns;
  const introspector = spec.introspect(inputConfig, { ...context, logger: silentLogger });
  try {
    columns = (await introspector.describeTable(query.table)).columns;
  } catch {
    return undefined; // the run itself will say what is wrong with the table
  } finally {
    await introspector.close().catch(() => undefined);
  }
  const result = pushdownFilter(filter.condition, columns, spec.filterDialect);
  const own = typeof query.filter === 'string' && query.filter.trim() !== '' ? query.filter : undefined;
  const combined =
    result.where === undefined ? own : own === undefined ? result.where : `(${own}) AND ${result.where}`;
  const pushdown: FilterPushdown = {
    ...result,
    processor: first.path,
    table: query.table,
    ...(combined !== undefined ? { filter: combined } : {}),
  };
  const input =
    result.where === undefined ? inputConfig : { ...inputConfig, query: { ...query, filter: combined } };
  return { input, pushdown };
}

/** Lines telling what was pushed down and what the filter alone evaluates. */
export function describePushdown(pushdown: FilterPushdown): string[] {
  const lines: string[] = [];
  if (pushdown.pushed.length > 0)
    lines.push(
      `${pushdown.processor} (filter) pushed into the source query: WHERE ${pushdown.pushed.join(' AND ')}`,
    );
  for (const kept of pushdown.kept)
    lines.push(`${pushdown.processor} (filter) keeps ${kept.condition} in the pipeline: ${kept.reason}`);
  return lines;
}
