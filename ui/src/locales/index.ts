import en from './en'
import zhCN, { type MessageSchema } from './zh-CN'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

export type { MessageSchema }

export const messages: Record<Locale, MessageSchema> = { 'zh-CN': zhCN, en }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}
