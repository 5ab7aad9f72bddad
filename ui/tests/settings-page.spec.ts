import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { Commands } from '../src/api'
import { PREFERENCES_KEY, loadPreferences } from '../src/stores/preferences'
import { appStatus, backendWith, connectionStatus, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => {
  localStorage.clear()
  document.documentElement.removeAttribute('style')
})
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
})

describe('设置 page', () => {
  it('shows the server address read-only', async () => {
    mounted = await mountApp(
      backendWith(appStatus({ connection: connectionStatus({ server_url: 'https://sp.example.cn' }) })),
      '/settings',
    )
    const input = mounted.wrapper.get('input[data-testid="settings-server-url"]')
    expect((input.element as HTMLInputElement).value).toBe('https://sp.example.cn')
    expect(input.attributes('readonly')).toBeDefined()
  })

  it('applies the font size through a CSS variable on the root and remembers it', async () => {
    mounted = await mountApp(backendWith(appStatus()), '/settings')
    const root = document.documentElement
    expect(root.style.getPropertyValue('--os-font-size')).toBe('var(--os-font-size-standard)')

    await mounted.wrapper.get('[data-testid="font-size-xlarge"] input').setValue(true)

    expect(root.style.getPropertyValue('--os-font-size')).toBe('var(--os-font-size-xlarge)')
    expect(JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? '{}')).toEqual({ locale: 'zh-CN', fontSize: 'xlarge' })
  })

  it('starts with the saved language and font size', async () => {
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify({ locale: 'en', fontSize: 'large' }))
    mounted = await mountApp(backendWith(appStatus({ window_name: null, clerk_name: null })), '/settings')
    expect(mounted.wrapper.get('[data-testid="connection-state"]').text()).toBe('Connected')
    expect(mounted.wrapper.get('[data-testid="window-name"]').text()).toBe('Unregistered window')
    expect(document.documentElement.style.getPropertyValue('--os-font-size')).toBe('var(--os-font-size-large)')
  })

  it('falls back to 中文 and 标准 when the saved value is unreadable', () => {
    localStorage.setItem(PREFERENCES_KEY, '{not json')
    expect(loadPreferences()).toEqual({ locale: 'zh-CN', fontSize: 'standard' })
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify({ locale: 'fr', fontSize: 'huge' }))
    expect(loadPreferences()).toEqual({ locale: 'zh-CN', fontSize: 'standard' })
  })

  it('shows the printer and the device, and saves a new printer for this window', async () => {
    const backend = backendWith(appStatus()).handle(Commands.setDefaultPrinter, () => undefined)
    mounted = await mountApp(backend, '/settings')
    expect(mounted.wrapper.get('[data-testid="settings-terminal"]').text()).toBe('0012')
    expect(mounted.wrapper.get('[data-testid="settings-key-store"]').text()).toBe('Secret Service')
    const select = mounted.wrapper.findComponent({ name: 'ElSelect' })
    select.vm.$emit('update:modelValue', 'HP_LaserJet')
    await flushPromises()
    expect(backend.calls.find((c) => c.command === Commands.setDefaultPrinter)?.args).toEqual({ name: 'HP_LaserJet' })
  })
})
