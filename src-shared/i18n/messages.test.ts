import { describe, expect, it } from 'vitest';
import { en } from './en';
import { languageForLocale, MESSAGES } from './messages';

function leaves(tree: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === 'string'
        ? [[`${prefix}${key}`, value]]
        : Object.entries(leaves(value as object, `${prefix}${key}.`)),
    ),
  );
}

describe('message tables', () => {
  it('give every language the same keys, none left empty', () => {
    const keys = Object.keys(leaves(en)).sort();
    for (const messages of Object.values(MESSAGES)) {
      const table = leaves(messages);
      expect(Object.keys(table).sort()).toEqual(keys);
      expect(Object.entries(table).filter(([, text]) => text.trim() === '')).toEqual([]);
    }
  });

  it('translate the words users look for into Chinese', () => {
    const zh = MESSAGES['zh-CN'];
    expect([
      zh.nav.jobs,
      zh.nav.plugins,
      zh.job.run,
      zh.history.title,
      zh.status.completed,
      zh.status.failed,
    ]).toEqual(['作业', '插件', '运行', '执行记录', '已完成', '失败']);
  });

  it('keep the same placeholders in every language', () => {
    const placeholders = (text: string) => (text.match(/\{\{\w+\}\}/g) ?? []).sort();
    const reference = leaves(en);
    for (const messages of Object.values(MESSAGES)) {
      for (const [key, text] of Object.entries(leaves(messages))) {
        expect(placeholders(text), key).toEqual(placeholders(reference[key]));
      }
    }
  });
});

describe('languageForLocale', () => {
  it('starts in Chinese for any zh locale and in English otherwise', () => {
    expect(languageForLocale('zh-CN')).toBe('zh-CN');
    expect(languageForLocale('zh-Hans-SG')).toBe('zh-CN');
    expect(languageForLocale('ZH')).toBe('zh-CN');
    expect(languageForLocale('en-GB')).toBe('en');
    expect(languageForLocale('de')).toBe('en');
    expect(languageForLocale(undefined)).toBe('en');
  });
});
