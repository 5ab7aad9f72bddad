import { Avatar, EditPen, Files, HomeFilled, Refresh, Setting } from '@element-plus/icons-vue'
import type { Component } from 'vue'

export type PageName = 'home' | 'accept' | 'cases' | 'proxy' | 'sync' | 'settings'

export interface NavItem {
  name: PageName
  path: `/${PageName}`
  /** i18n key of the label. */
  labelKey: `nav.${PageName}`
  /** Alt+<digit> jumps here. */
  digit: number
  icon: Component
}

/** The left navigation, in order. Alt+1 … Alt+6 follow this order. */
export const NAV_ITEMS: readonly NavItem[] = [
  { name: 'home', path: '/home', labelKey: 'nav.home', digit: 1, icon: HomeFilled },
  { name: 'accept', path: '/accept', labelKey: 'nav.accept', digit: 2, icon: EditPen },
  { name: 'cases', path: '/cases', labelKey: 'nav.cases', digit: 3, icon: Files },
  { name: 'proxy', path: '/proxy', labelKey: 'nav.proxy', digit: 4, icon: Avatar },
  { name: 'sync', path: '/sync', labelKey: 'nav.sync', digit: 5, icon: Refresh },
  { name: 'settings', path: '/settings', labelKey: 'nav.settings', digit: 6, icon: Setting },
]

export const DEFAULT_PATH = '/home'

/**
 * Where the router starts: an empty route, so that no page (and no Element Plus) loads behind
 * the login at launch. App.vue moves on to DEFAULT_PATH once someone is signed in.
 */
export const START_PATH = '/'

export function shortcutLabel(item: NavItem): string {
  return `Alt+${item.digit}`
}

/** The nav item an Alt+digit key press selects, if any (top-row or keypad digits). */
export function navItemForKey(event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code'>): NavItem | undefined {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return undefined
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code)
  if (!match) return undefined
  const digit = Number(match[1])
  return NAV_ITEMS.find((item) => item.digit === digit)
}
