import type { Language } from 'element-plus/es/locale'
import elEn from 'element-plus/es/locale/lang/en'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import type { Locale } from '.'

/**
 * Element Plus's own strings (pagination, date pickers, empty states) follow the same choice.
 * Apart from index.ts, so the login (which has no Element Plus) does not load them.
 */
export const elementLocales: Record<Locale, Language> = { 'zh-CN': elZhCn, en: elEn }
