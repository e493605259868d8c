import type { Column, Row } from './batch';
import type { BoundProcessor, Output, ProcessContext } from './component';
import {
  bindRouter,
  LaneChains,
  type ChainServices,
  type PlannedProcessor,
  type RouterStep,
} from './processor-chain';

/*
 * Branching: a chain that ends in a `conditional` fans out. Each row takes one way (a branch, or
 * `else`), runs through that branch's own processor chain and is written to the branch's own
 * output. Per lane, like the main chain: each lane binds its branches' chains, and flushes them
 * when its input ended; the outputs are shared by the lanes, as the single output is.
 */

/** A bound processor that sends each row one way: what the closing `conditional` binds to. */
export interface BoundRouter extends BoundProcessor {
  /** How many ways there are: one per branch, then one for `else` when there is one. */
  ways: number;
  /**
   * The rows split by way (`ways` lists, by index); a row that takes no way is in none (dropped).
   * A row the router cannot decide on goes to `ctx.reject`.
   */
  route(rows: Row[], ctx: ProcessContext): Row[][];
}

/** One way out of a conditional: its own processors and output. */
export interface PlannedBranch {
  /** `pipeline.processors[2].branches[0]`, `pipeline.processors[2].else`: locates errors and counters. */
  path: string;
  /** What reports call it: its `name`, else its `when`, or `else`. */
  label: string;
  processors: PlannedProcessor[];
  output: Output;
  /** The output's `type`, for reports. */
  outputType?: string;
}

/** The conditional closing the chain, and its branches in the order of its ways. */
export interface PlannedBranching {
  /** The conditional: its bound processors are `BoundRouter`s with one way per branch. */
  router: PlannedProcessor;
  branches: PlannedBranch[];
}

/** Rows bound for one output. */
export interface OutputPart {
  columns: Column[];
  rows: Row[];
  /** The stream the rows came from, for a multi-table input. */
  table?: string;
}

/** What a branch is called in reports and messages: its `name`, else its `when`, or `else`. */
export function branchLabel(branch: { name?: string; when?: string }): string {
  return branch.name ?? branch.when ?? 'else';
}

/** Where a branch's output is in the config (`pipeline.processors[2].branches[0].output`), for errors. */
export function branchOutputPath(branch: PlannedBranch): string {
  return `${branch.path}.output`;
}

/** Every processor of a branching plan after the main chain: the router, then each branch's. */
export function branchProcessors(branching: PlannedBranching | undefined): PlannedProcessor[] {
  if (!branching) return [];
  return [branching.router, ...branching.branches.flatMap((branch) => branch.processors)];
}

/** The branches of one lane: the router and each branch's chains, bound per input shape. */
export class LaneBranches {
  private readonly routers = new WeakMap<Column[], Map<string | undefined, RouterStep>>();
  private readonly chains: LaneChains[];

  constructor(
    private readonly branching: PlannedBranching,
    private readonly lane: number,
    private readonly services: ChainServices,
  ) {
    this.chains = branching.branches.map((branch) => new LaneChains(branch.processors, lane, services));
  }

  /** Sends rows of the main chain down their branches; returns what each branch's output gets (by way). */
  async route(columns: Column[], table: string | undefined, rows: Row[]): Promise<(OutputPart | null)[]> {
    const ways = await this.routerFor(columns, table).route(rows);
    const parts: (OutputPart | null)[] = [];
    for (let way = 0; way < this.chains.length; way++) {
      const taken = ways[way] ?? [];
      if (taken.length === 0) {
        parts.push(null);
        continue;
      }
      this.services.stats.addBranchRouted(this.branching.branches[way].path, taken.length);
      const chain = this.chains[way].chainFor(columns, table);
      const out = await chain.process(taken);
      parts.push(out.length > 0 ? part(chain.columns, out, table) : null);
    }
    return parts;
  }

  /** At the end of the lane's input: what each branch's processors still held, by way. */
  async flush(): Promise<{ way: number; part: OutputPart }[]> {
    const flushed = [];
    for (let way = 0; way < this.chains.length; way++) {
      for (const { columns, table, rows } of await this.chains[way].flush())
        flushed.push({ way, part: part(columns, rows, table) });
    }
    return flushed;
  }

  private routerFor(columns: Column[], table: string | undefined): RouterStep {
    let byTable = this.routers.get(columns);
    if (!byTable) {
      byTable = new Map();
      this.routers.set(columns, byTable);
    }
    let router = byTable.get(table);
    if (!router) {
      router = bindRouter(this.branching.router, columns, this.lane, table, this.services);
      if (router.ways !== this.chains.length)
        throw new Error(
          `${this.branching.router.path}: it has ${router.ways} ways and the plan ${this.chains.length} branches`,
        );
      byTable.set(table, router);
    }
    return router;
  }
}

function part(columns: Column[], rows: Row[], table: string | undefined): OutputPart {
  return table === undefined ? { columns, rows } : { columns, rows, table };
}
