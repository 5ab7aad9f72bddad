import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { NAV_ITEMS, navItemForKey } from '../src/router/navigation'
import { appStatus, backendWith, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
})

describe('navigation', () => {
  it('has the six entries in order, each with its Alt shortcut hint', async () => {
    mounted = await mountApp(backendWith(appStatus()))
    const links = mounted.wrapper.findAll('nav a')
    expect(links.map((a) => a.get('.os-nav__label').text())).toEqual(['首页', '受理', '办件', '代办', '同步', '设置'])
    expect(links.map((a) => a.get('kbd').text())).toEqual(['Alt+1', 'Alt+2', 'Alt+3', 'Alt+4', 'Alt+5', 'Alt+6'])
    expect(links.map((a) => a.attributes('href'))).toEqual(['/home', '/accept', '/cases', '/proxy', '/sync', '/settings'])
  })

  it('opens 首页 by default, marked as the current page', async () => {
    mounted = await mountApp(backendWith(appStatus()))
    expect(mounted.router.currentRoute.value.path).toBe('/home')
    expect(mounted.wrapper.get('[data-testid="nav-home"]').attributes('aria-current')).toBe('page')
    expect(mounted.wrapper.find('[data-testid="page-home"]').exists()).toBe(true)
  })

  it('leads nowhere before sign-in: the entries are locked and Alt+digit does nothing', async () => {
    mounted = await mountApp(backendWith(appStatus({ clerk_name: null })))
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(true)
    expect(mounted.wrapper.get('[data-testid="nav-accept"]').attributes('aria-disabled')).toBe('true')
    expect(mounted.wrapper.findAll('nav a')).toHaveLength(0)
    const before = mounted.router.currentRoute.value.path
    window.dispatchEvent(new KeyboardEvent('keydown', { code: 'Digit3', altKey: true }))
    await flushPromises()
    expect(mounted.router.currentRoute.value.path).toBe(before)
  })

  it('sends an unknown path back to 首页', async () => {
    mounted = await mountApp(backendWith(appStatus()), '/no-such-page')
    expect(mounted.router.currentRoute.value.path).toBe('/home')
  })

  it('switches pages with Alt+1 … Alt+6', async () => {
    mounted = await mountApp(backendWith(appStatus()))
    for (const item of [...NAV_ITEMS].reverse()) {
      window.dispatchEvent(new KeyboardEvent('keydown', { code: `Digit${item.digit}`, altKey: true }))
      await flushPromises()
      expect(mounted.router.currentRoute.value.path).toBe(item.path)
    }
  })

  it('ignores digits without Alt, or with other modifiers', () => {
    const key = (init: Partial<KeyboardEvent>) => ({ altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, code: '', ...init })
    expect(navItemForKey(key({ code: 'Digit1' }))).toBeUndefined()
    expect(navItemForKey(key({ code: 'Digit1', altKey: true, ctrlKey: true }))).toBeUndefined()
    expect(navItemForKey(key({ code: 'Digit7', altKey: true }))).toBeUndefined()
    expect(navItemForKey(key({ code: 'Numpad5', altKey: true }))?.name).toBe('sync')
  })

})
