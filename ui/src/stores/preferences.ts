import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { DEFAULT_LOCALE, isLocale, type Locale } from '../locales'

/** 标准 / 大 / 特大. The pixel sizes live in styles/base.css, keyed by this name. */
export const FONT_SIZES = ['standard', 'large', 'xlarge'] as const
export type FontSize = (typeof FONT_SIZES)[number]

export const PREFERENCES_KEY = 'onestop.preferences'

interface Stored {
  locale: Locale
  fontSize: FontSize
}

function isFontSize(value: unknown): value is FontSize {
  return typeof value === 'string' && (FONT_SIZES as readonly string[]).includes(value)
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null // storage disabled: preferences then last for the session only
  }
}

/** Reads the saved preferences; anything missing or malformed falls back to the default. */
export function loadPreferences(): Stored {
  const fallback: Stored = { locale: DEFAULT_LOCALE, fontSize: 'standard' }
  try {
    const raw = storage()?.getItem(PREFERENCES_KEY)
    if (!raw) return fallback
    const parsed = JSON.parse(raw) as Record<string, unknown>
    return {
      locale: isLocale(parsed.locale) ? parsed.locale : fallback.locale,
      fontSize: isFontSize(parsed.fontSize) ? parsed.fontSize : fallback.fontSize,
    }
  } catch {
    return fallback
  }
}

/** Sets the root font-size variable that the whole layout (and Element Plus) sizes from. */
export function applyFontSize(size: FontSize, root: HTMLElement = document.documentElement): void {
  root.style.setProperty('--os-font-size', `var(--os-font-size-${size})`)
  root.style.setProperty('--os-control-height', `var(--os-control-height-${size})`)
  root.dataset.fontSize = size
}

/** The clerk's display preferences: language and font size, kept in localStorage. */
export const usePreferencesStore = defineStore('preferences', () => {
  const initial = loadPreferences()
  const locale = ref<Locale>(initial.locale)
  const fontSize = ref<FontSize>(initial.fontSize)

  watch(
    [locale, fontSize],
    () => {
      try {
        storage()?.setItem(PREFERENCES_KEY, JSON.stringify({ locale: locale.value, fontSize: fontSize.value }))
      } catch {
        // quota or disabled storage: the choice still applies for this session
      }
    },
    { flush: 'sync' },
  )

  function setLocale(value: Locale): void {
    locale.value = value
  }

  function setFontSize(value: FontSize): void {
    fontSize.value = value
  }

  return { locale, fontSize, setLocale, setFontSize }
})
