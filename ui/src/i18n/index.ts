import { createI18n } from 'vue-i18n'
import { DEFAULT_LOCALE, messages, type Locale, type MessageSchema } from '../locales'

/** Composition-mode vue-i18n; `$t` is available in every template. */
export function createAppI18n(locale: Locale) {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    globalInjection: true,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages,
    missingWarn: import.meta.env.DEV,
    fallbackWarn: import.meta.env.DEV,
  })
}

export type AppI18n = ReturnType<typeof createAppI18n>
