import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionState } from '../src/api'
import { Events } from '../src/api'
import { appStatus, backendWith, connectionStatus, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
})

const cases: { state: ConnectionState; label: string }[] = [
  { state: 'connected', label: '已连接' },
  { state: 'offline', label: '离线' },
  { state: 'checking', label: '检查中' },
]

describe('status bar', () => {
  it.each(cases)('shows $label with data-state=$state when Rust reports $state', async ({ state, label }) => {
    mounted = await mountApp(backendWith(appStatus({ connection: connectionStatus({ state }) })))
    const badge = mounted.wrapper.get('[data-testid="connection-state"]')
    expect(badge.attributes('data-state')).toBe(state)
    expect(badge.text()).toBe(label)
  })

  it('says 检查中 before Rust has answered', async () => {
    const backend = backendWith(appStatus())
    // app_status never answers: the honest state is "checking".
    backend.handle('app_status', () => new Promise(() => {}))
    mounted = await mountApp(backend)
    const badge = mounted.wrapper.get('[data-testid="connection-state"]')
    expect(badge.attributes('data-state')).toBe('checking')
    expect(badge.text()).toBe('检查中')
  })

  it('follows connection-changed events without polling', async () => {
    const backend = backendWith(appStatus({ connection: connectionStatus({ state: 'connected' }) }))
    mounted = await mountApp(backend, '/sync')
    const badge = () => mounted!.wrapper.get('[data-testid="connection-state"]')
    expect(badge().attributes('data-state')).toBe('connected')

    backend.emit(Events.connectionChanged, connectionStatus({ state: 'offline', latency_ms: null }))
    await flushPromises()
    expect(badge().attributes('data-state')).toBe('offline')
    expect(badge().text()).toBe('离线')

    backend.emit(Events.connectionChanged, connectionStatus({ state: 'connected' }))
    await flushPromises()
    expect(badge().text()).toBe('已连接')

    // One app_status and one sync_status call at start, nothing else: the webview never polls.
    expect(backend.calls.map((c) => c.command)).toEqual(['app_status', 'sync_status'])
  })

  it('shows the app version and the server address', async () => {
    mounted = await mountApp(
      backendWith(appStatus({ version: '1.2.3', connection: connectionStatus({ server_url: 'https://sp.example.cn' }) })),
    )
    expect(mounted.wrapper.get('[data-testid="app-version"]').text()).toBe('1.2.3')
    expect(mounted.wrapper.get('[data-testid="server-url"]').text()).toBe('https://sp.example.cn')
  })

  it('uses English labels after switching the language', async () => {
    mounted = await mountApp(backendWith(appStatus({ connection: connectionStatus({ state: 'offline' }) })), '/settings')
    const badge = () => mounted!.wrapper.get('[data-testid="connection-state"]')
    expect(badge().text()).toBe('离线')

    await mounted.wrapper.get('[data-testid="language-en"] input').setValue(true)
    await flushPromises()

    expect(badge().attributes('data-state')).toBe('offline')
    expect(badge().text()).toBe('Offline')
    expect(mounted.wrapper.get('[data-testid="nav-settings"]').text()).toContain('Settings')
    expect(document.documentElement.lang).toBe('en')
    expect(JSON.parse(localStorage.getItem('onestop.preferences') ?? '{}')).toMatchObject({ locale: 'en' })
  })

  it('stops listening when the app unmounts', async () => {
    const backend = backendWith(appStatus())
    mounted = await mountApp(backend)
    expect(backend.listenerCount(Events.connectionChanged)).toBe(1)
    mounted.wrapper.unmount()
    mounted = null
    expect(backend.listenerCount(Events.connectionChanged)).toBe(0)
  })
})
