import type { TFunction } from 'i18next';
import type { GraphProblem } from '../designer-model';
import type { PipelineNodeKind } from '../pipeline-graph';
import type { NodeIssue } from './node-issues';
import type { ConnectRefusal } from './placement';

/*
 * What the canvas says about a node or a refused connection, in the user's language. The model
 * names graph rules by code; `connectionProblem` gives English sentences, matched here to their
 * keys (a test keeps this table complete).
 */

/** `connectionProblem`'s sentences and the keys that word them. */
export const CONNECTION_MESSAGES = {
  'nothing flows into an input': 'designer.connect_into_input',
  'an output ends the flow': 'designer.connect_output_ends',
  'an input connects only to a processor or an output': 'designer.connect_input_target',
  'a conditional connects only to its branches': 'designer.connect_conditional_branches',
  'a branch starts at a conditional': 'designer.connect_branch_start',
} as const;

function connectionMessage(t: TFunction, message: string): string {
  const key = (
    CONNECTION_MESSAGES as Record<string, (typeof CONNECTION_MESSAGES)[keyof typeof CONNECTION_MESSAGES]>
  )[message];
  return key ? t(key) : message;
}

/** Why a connection cannot be drawn. */
export function refusalText(t: TFunction, refusal: ConnectRefusal): string {
  switch (refusal.code) {
    case 'rule':
      return connectionMessage(t, refusal.message);
    case 'connected':
      return t('designer.connect_connected');
    case 'between':
      return t('designer.connect_between');
    case 'own-branch':
      return t('designer.connect_own_branch');
    case 'branch-owned':
      return t('designer.connect_branch_owned');
  }
}

/** A broken graph rule, for the node it is on (`kind` names that node in a message). */
export function ruleText(
  t: TFunction,
  problem: Pick<GraphProblem, 'rule' | 'message'>,
  kind: PipelineNodeKind,
): string {
  switch (problem.rule) {
    case 'input-missing':
      return t('designer.rule_input_missing');
    case 'input-extra':
      return t('designer.rule_input_extra');
    case 'type-missing':
      return t('designer.rule_type_missing', { kind: t(`graph.${kind}`) });
    case 'conditional-no-branch':
      return t('designer.rule_conditional_no_branch');
    case 'conditional-ends-chain':
      return t('designer.rule_conditional_ends_chain');
    case 'branch-no-output':
      return t('designer.rule_branch_no_output');
    case 'orphan':
      return t('designer.rule_orphan');
    case 'dead-end':
      return t('designer.rule_dead_end');
    case 'input-target':
    case 'connection':
      // The model's message is a connection problem: "an input connects only to …".
      return connectionMessage(t, problem.message);
  }
}

/** One line about a node, as its hover text lists them. */
export function issueText(t: TFunction, issue: NodeIssue, kind: PipelineNodeKind): string {
  if (issue.source === 'validation') return issue.message;
  if (issue.source === 'run') return t('designer.run_rejected', { count: issue.failed });
  return ruleText(t, issue, kind);
}
