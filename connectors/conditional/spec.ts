import { Type, type Static } from '@sinclair/typebox';
import type { Column, Row } from '../../src-main/engine/batch';
import type { BoundRouter } from '../../src-main/engine/branches';
import { defineProcessor, FieldError, type ProcessContext } from '../../src-main/engine/component';
import { compilePredicate, ExpressionError } from '../../src-main/engine/expression/compile';
import { DEFAULT_ON_ERROR, ON_ERROR_MODES } from '../../src-main/engine/processor-chain';

/*
 * `conditional`: the processor that ends a chain by sending each row down one branch, each with
 * its own processors and output. The engine builds and runs the branches (src-main/engine/branches.ts);
 * this spec describes the config and decides, per row, which branch it takes.
 */

/** A processor inside a branch: its `type`, its `on_error`, and fields its own schema checks. */
const BranchProcessor = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'The processor type (filter, mapping, transform, …).' }),
    on_error: Type.Optional(
      Type.Union(
        ON_ERROR_MODES.map((mode) => Type.Literal(mode)),
        { description: 'What happens to a row this processor cannot process.', default: DEFAULT_ON_ERROR },
      ),
    ),
  },
  { additionalProperties: true },
);

/** A branch's output: its `type` and fields its own schema checks. */
const BranchOutput = Type.Object(
  { type: Type.String({ minLength: 1, description: 'The output type (file, sqlite, postgresql, …).' }) },
  {
    additionalProperties: true,
    description: "Where this branch's rows are written: any output, configured as the top-level output is.",
  },
);

const BranchProcessors = Type.Array(BranchProcessor, {
  description: "Processors this branch's rows go through before its output, in order.",
});

const Branch = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, description: 'A name for the branch in run reports and the flow graph.' }),
    ),
    when: Type.String({
      minLength: 1,
      description:
        'SQL condition; a row takes the first branch whose condition is TRUE (FALSE or NULL: the next branch is tried).',
      examples: ["region = 'EU'", 'amount >= 1000', "status IN ('paid', 'shipped')"],
    }),
    processors: Type.Optional(BranchProcessors),
    output: BranchOutput,
  },
  { additionalProperties: false },
);

const ElseBranch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'A name for the else branch in reports.' })),
    processors: Type.Optional(BranchProcessors),
    output: BranchOutput,
  },
  {
    additionalProperties: false,
    description: 'Where rows no branch matched go. Without it they are dropped, and counted as dropped.',
  },
);

/** Config of the `conditional` processor. */
export const ConditionalSchema = Type.Object(
  {
    branches: Type.Array(Branch, {
      minItems: 1,
      description: 'Tried in order; each row goes to the first branch whose `when` is TRUE.',
    }),
    else: Type.Optional(ElseBranch),
  },
  { additionalProperties: false },
);

export type ConditionalConfig = Static<typeof ConditionalSchema>;

/** Compiles each branch's `when` against the columns, naming the branch whose condition is wrong. */
function compileConditions(config: ConditionalConfig, columns: Column[]): ((row: Row) => boolean)[] {
  return config.branches.map((branch, index) => {
    try {
      return compilePredicate(branch.when, columns);
    } catch (error) {
      if (error instanceof ExpressionError)
        throw new FieldError(`branches[${index}].when`, error.message, error.position);
      throw error;
    }
  });
}

/** The rows of a batch split by branch: index i for branch i, then one for `else` when there is one. */
function routeRows(
  conditions: ((row: Row) => boolean)[],
  hasElse: boolean,
  rows: Row[],
  ctx: ProcessContext,
): Row[][] {
  const ways: Row[][] = Array.from({ length: conditions.length + (hasElse ? 1 : 0) }, () => []);
  const otherwise = hasElse ? ways[conditions.length] : null;
  for (const row of rows) {
    let taken = false;
    try {
      for (let i = 0; i < conditions.length; i++) {
        if (conditions[i](row)) {
          ways[i].push(row);
          taken = true;
          break;
        }
      }
    } catch (error) {
      // A condition that cannot be evaluated on this row (division by zero, a bad CAST): the row's error.
      ctx.reject(row, error);
      continue;
    }
    if (!taken) otherwise?.push(row);
  }
  return ways;
}

/** `conditional`: routes each row to the first branch whose `when` holds, else to `else`, else drops it. */
export const conditionalProcessor = defineProcessor({
  name: 'conditional',
  category: 'flow',
  title: 'Conditional',
  description:
    'Ends the chain with branches: each row goes to the first branch whose SQL condition (`when`) is TRUE, ' +
    'runs through that branch’s processors and is written to its output; rows no branch takes go to `else`, ' +
    'or are dropped and counted.',
  status: 'beta',
  schema: ConditionalSchema,
  examples: [
    {
      title: 'EU and US orders to their own files, the rest to a third',
      config: {
        branches: [
          { name: 'eu', when: "region = 'EU'", output: { type: 'file', path: 'out/eu.csv' } },
          { name: 'us', when: "region = 'US'", output: { type: 'file', path: 'out/us.csv' } },
        ],
        else: { output: { type: 'file', path: 'out/other.csv' } },
      },
    },
  ],
  create(config) {
    const hasElse = config.else !== undefined;
    return {
      bind(columns): BoundRouter {
        const conditions = compileConditions(config, columns);
        return {
          columns,
          ways: conditions.length + (hasElse ? 1 : 0),
          route: (rows, ctx) => routeRows(conditions, hasElse, rows, ctx),
          // Outside a run (a step preview): the rows that go on into some branch.
          process: (rows, ctx) => routeRows(conditions, hasElse, rows, ctx).flat(),
        };
      },
    };
  },
});
