import { en, type MessageTree } from './en';
import { zhCN } from './zh-CN';

/** The keys every language table must provide: a missing or extra key is a compile error. */
export type Messages = MessageTree<typeof en>;

/** Languages the studio ships, with the name each shows itself under. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '中文' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['code'];

/** All message tables, keyed by language code. */
export const MESSAGES: Record<LanguageCode, Messages> = { en, 'zh-CN': zhCN };

/** The language to start in for a locale like `zh-Hans-CN` or `en-GB`: Chinese for any `zh`, else English. */
export function languageForLocale(locale: string | undefined): LanguageCode {
  return locale?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** Narrows a stored string to a language the studio ships. */
export function isLanguageCode(value: unknown): value is LanguageCode {
  return LANGUAGES.some((language) => language.code === value);
}
