import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { en } from '../../src-shared/i18n/en';
import {
  isLanguageCode,
  languageForLocale,
  MESSAGES,
  type LanguageCode,
} from '../../src-shared/i18n/messages';

declare module 'i18next' {
  interface CustomTypeOptions {
    // Typed keys: `t('jobs.titel')` is a compile error.
    resources: { translation: typeof en };
  }
}

const STORAGE_KEY = 'fustgo.language';

/** The language chosen before (localStorage), else the one the OS/browser locale suggests. */
export function initialLanguage(): LanguageCode {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isLanguageCode(stored) ? stored : languageForLocale(navigator.language);
}

/** Starts i18next with every shipped table; call once before rendering. */
export async function initI18n(): Promise<void> {
  const language = initialLanguage();
  await i18next.use(initReactI18next).init({
    resources: Object.fromEntries(
      Object.entries(MESSAGES).map(([code, messages]) => [code, { translation: messages }]),
    ),
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = language;
}

/** Switches the UI language and remembers the choice. */
export async function changeLanguage(language: LanguageCode): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  await i18next.changeLanguage(language);
}
