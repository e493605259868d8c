import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../../src-shared/i18n/en';
import { zhCN } from '../../../src-shared/i18n/zh-CN';
import { connectionProblem, type GraphRule } from '../designer-model';
import type { PipelineNode, PipelineNodeKind } from '../pipeline-graph';
import { CONNECTION_MESSAGES, issueText, refusalText, ruleText } from './issue-text';

const KINDS: PipelineNodeKind[] = ['input', 'processor', 'branch', 'output'];
const RULES: GraphRule[] = [
  'input-missing',
  'input-extra',
  'input-target',
  'connection',
  'type-missing',
  'conditional-no-branch',
  'conditional-ends-chain',
  'branch-no-output',
  'orphan',
  'dead-end',
];

let t: TFunction;
let zh: TFunction;

beforeAll(async () => {
  const make = async (lng: string) => {
    const instance = i18next.createInstance();
    await instance.init({
      lng,
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      interpolation: { escapeValue: false },
    });
    return instance.t;
  };
  t = await make('en');
  zh = await make('zh-CN');
});

describe('what the canvas says', () => {
  it('has a translation for every sentence connectionProblem can say', () => {
    const node = (kind: PipelineNodeKind, type: string): PipelineNode => ({
      id: kind,
      kind,
      type,
      detail: '',
    });
    const nodes = [...KINDS.map((kind) => node(kind, 'x')), node('processor', 'conditional')];
    const said = new Set<string>();
    for (const source of nodes)
      for (const target of nodes) {
        const message = connectionProblem(source, target);
        if (message !== null) said.add(message);
      }
    expect([...said].sort()).toEqual(Object.keys(CONNECTION_MESSAGES).sort());
    for (const message of said) {
      const english = refusalText(t, { code: 'rule', message });
      expect(english).toBe(message);
      expect(refusalText(zh, { code: 'rule', message })).not.toBe(message);
    }
  });

  it('words every graph rule in both languages', () => {
    for (const rule of RULES) {
      const message = rule === 'connection' || rule === 'input-target' ? 'an output ends the flow' : 'x';
      const english = ruleText(t, { rule, message }, 'output');
      const chinese = ruleText(zh, { rule, message }, 'output');
      expect(english, rule).not.toMatch(/designer\./);
      expect(chinese, rule).not.toBe(english);
    }
    expect(ruleText(t, { rule: 'type-missing', message: '' }, 'output')).toBe('This Output has no type');
    expect(issueText(t, { source: 'run', severity: 'warning', failed: 3 }, 'processor')).toBe(
      '3 rows rejected in the last run',
    );
  });
});
