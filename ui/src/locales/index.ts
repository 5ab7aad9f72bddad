import type { Language } from 'element-plus/es/locale'
import elEn from 'element-plus/es/locale/lang/en'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import en from './en'
import zhCN, { type MessageSchema } from './zh-CN'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

export type { MessageSchema }

export const messages: Record<Locale, MessageSchema> = { 'zh-CN': zhCN, en }

/** Element Plus's own strings (pagination, date pickers, empty states) follow the same choice. */
export const elementLocales: Record<Locale, Language> = { 'zh-CN': elZhCn, en: elEn }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}
