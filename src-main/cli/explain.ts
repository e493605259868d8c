import type { LoadedConfig } from '../config';
import { componentFields, type SpecLookup } from '../config/component-fields';
import { describePushdown, pushdownFirstFilter } from '../config/filter-pushdown';
import { branchComponents, jobNameOf, placedComponents, type PlacedComponent } from '../config/validate';
import { silentLogger, type ComponentSpec } from '../engine/component';
import { isEltConfig } from '../elt/elt-config';
import { explainElt } from '../elt/explain-elt';

/*
 * `fustgo run --explain`: the plan a run would follow, without running it — what each component
 * reads or writes, and what of the first filter the source database evaluates.
 */

type Config = Record<string, unknown>;

const list = (value: unknown): string | undefined =>
  Array.isArray(value) && value.length > 0 ? value.map(String).join(', ') : undefined;

/** One line on what a component does, from its config (defaults applied). */
function summary(place: PlacedComponent, config: Config): string {
  const parts: string[] = [place.component.type];
  const query = config.query as Config | undefined;
  const write = config.write as Config | undefined;
  if (typeof query?.table === 'string') parts.push(`table ${query.table}`);
  if (typeof query?.sql === 'string') parts.push(`query ${query.sql.replace(/\s+/g, ' ')}`);
  if (list(query?.tables))
    parts.push(
      `tables ${list(query?.tables)}${list(query?.exclude) ? ` except ${list(query?.exclude)}` : ''}`,
    );
  if (list(query?.columns)) parts.push(`columns ${list(query?.columns)}`);
  if (typeof query?.split_key === 'string') parts.push(`split by ${query.split_key}`);
  const incremental = config.incremental as Config | undefined;
  if (typeof incremental?.column === 'string') parts.push(`incremental on ${incremental.column}`);
  if (typeof config.path === 'string') parts.push(config.path);
  if (typeof config.condition === 'string') parts.push(config.condition);
  if (Array.isArray(config.branches)) {
    const branches = (config.branches as Config[]).map(
      (b, i) => `${String(b.name ?? `branch ${i}`)} when ${String(b.when)}`,
    );
    parts.push([...branches, ...(config.else ? ['else'] : [])].join('; '));
  }
  if (typeof write?.table === 'string') parts.push(`table ${write.table}`);
  if (typeof write?.mode === 'string') {
    const key = list((config.conflict as Config | undefined)?.key);
    parts.push(`mode ${write.mode}${key ? ` on ${key}` : ''}`);
  }
  if (typeof write?.batch_size === 'number') parts.push(`batches of ${write.batch_size}`);
  return parts.join(' · ');
}

/** The plan of a valid config as lines of text; connects only to read the source table's columns. */
export async function explainPipeline(loaded: LoadedConfig, registry: SpecLookup): Promise<string[]> {
  const placed = placedComponents(loaded.config);
  const specFor = (place: PlacedComponent) => registry.get(place.kind, place.component.type) as ComponentSpec;
  const configOf = (place: PlacedComponent) => componentFields(specFor(place), place.component).config;
  const controller = new AbortController();
  const context = {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: silentLogger,
    signal: controller.signal,
  };
  const [inputPlace] = placed;
  // ELT runs no filter in the engine: nothing is pushed into the source query.
  const elt = isEltConfig(loaded.config);
  const pushed = elt ? undefined : await pushdownFirstFilter(placed, specFor, configOf(inputPlace), context);
  controller.abort();
  const pipeline = loaded.config.pipeline;
  const lines = [`job ${jobNameOf(loaded)}`, `lanes: up to ${pipeline?.channels ?? 1} (pipeline.channels)`];
  for (const place of placed) {
    const config = place === inputPlace && pushed ? pushed.input : configOf(place);
    lines.push(`${place.path}: ${summary(place, config)}`);
    if (place === inputPlace && pushed?.pushdown.filter) lines.push(`  WHERE ${pushed.pushdown.filter}`);
    if (place.path === pushed?.pushdown.processor)
      lines.push('  (runs on every row read, so the rows are exactly what this condition keeps)');
  }
  // A conditional's branches: their processors and outputs, under the branch's path.
  for (const place of branchComponents(loaded.config))
    lines.push(`${place.path}: ${summary(place, configOf(place))}`);
  if (elt) lines.push(...(await explainElt(loaded, registry, jobNameOf(loaded))));
  if (pushed) lines.push(...describePushdown(pushed.pushdown).map((line) => `pushdown: ${line}`));
  else if (!elt && placed[1]?.component.type === 'filter')
    lines.push('pushdown: none (the input is not one SQL table, or its columns could not be read)');
  return lines;
}
