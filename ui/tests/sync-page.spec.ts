import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Commands, Events } from '../src/api'
import { formatTimestamp } from '../src/format/datetime'
import { appStatus, backendWith, connectionStatus, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
  document.body.innerHTML = ''
})

describe('同步 page', () => {
  it('shows the live connection details Rust reports', async () => {
    const status = connectionStatus({
      server_url: 'https://zwfw.example.gov.cn',
      last_checked_at: '2026-11-28T09:30:05+08:00',
      last_ok_at: '2026-11-28T09:29:35+08:00',
      latency_ms: 42,
      server_version: '0.3.1',
    })
    mounted = await mountApp(backendWith(appStatus({ connection: status })), '/sync')
    const page = mounted.wrapper.get('[data-testid="page-sync"]')
    expect(page.get('[data-testid="sync-server-url"]').text()).toBe('https://zwfw.example.gov.cn')
    expect(page.get('[data-testid="sync-last-checked"]').text()).toBe(formatTimestamp(status.last_checked_at))
    expect(page.get('[data-testid="sync-last-ok"]').text()).toBe(formatTimestamp(status.last_ok_at))
    expect(page.get('[data-testid="sync-latency"]').text()).toBe('42 毫秒')
    expect(page.get('[data-testid="sync-server-version"]').text()).toBe('0.3.1')
    expect(page.get('.os-conn').attributes('data-state')).toBe('connected')
    expect(page.find('[data-testid="sync-error-code"]').exists()).toBe(false)
  })

  it('shows the error code and message when the server is unreachable', async () => {
    mounted = await mountApp(backendWith(appStatus()), '/sync')
    const backend = mounted.client.backend as ReturnType<typeof backendWith>
    backend.emit(
      Events.connectionChanged,
      connectionStatus({
        state: 'offline',
        last_ok_at: null,
        latency_ms: null,
        server_version: null,
        error: { code: 'sync.server_unreachable', message: '无法连接服务器：连接被拒绝', details: null },
      }),
    )
    await flushPromises()
    const page = mounted.wrapper.get('[data-testid="page-sync"]')
    expect(page.get('.os-conn').text()).toBe('离线')
    expect(page.get('[data-testid="sync-error-code"]').text()).toBe('sync.server_unreachable')
    expect(page.get('[data-testid="sync-error-message"]').text()).toBe('无法连接服务器：连接被拒绝')
    expect(page.get('[data-testid="sync-last-ok"]').text()).toBe('从未')
    expect(page.get('[data-testid="sync-latency"]').text()).toBe('—')
  })

  it('立即检测 asks Rust once and shows the fresh state', async () => {
    const backend = backendWith(appStatus({ connection: connectionStatus({ state: 'connected' }) }))
    backend.handle(Commands.checkConnectionNow, () => connectionStatus({ state: 'offline' }))
    mounted = await mountApp(backend, '/sync')

    await mounted.wrapper.get('[data-testid="check-now"]').trigger('click')
    await flushPromises()

    expect(backend.calls.map((c) => c.command).filter((c) => c !== 'sync_status')).toEqual(['app_status', 'check_connection_now'])
    expect(mounted.wrapper.get('[data-testid="connection-state"]').attributes('data-state')).toBe('offline')
    expect(document.body.textContent).toContain('检测完成：离线')
  })

  it('立即检测 shows the message of a failed command', async () => {
    const backend = backendWith(appStatus())
    backend.handle(Commands.checkConnectionNow, () =>
      Promise.reject({ code: 'sync.busy', message: '正在检测，请稍候', details: null }),
    )
    mounted = await mountApp(backend, '/sync')

    await mounted.wrapper.get('[data-testid="check-now"]').trigger('click')
    await flushPromises()

    expect(document.body.textContent).toContain('检测失败：正在检测，请稍候')
    expect(mounted.wrapper.get('[data-testid="connection-state"]').attributes('data-state')).toBe('connected')
  })

  it('says why when app_status fails at start, and stays on 检查中', async () => {
    const backend = backendWith(appStatus())
    backend.handle(Commands.appStatus, () =>
      Promise.reject({ code: 'desk.not_ready', message: '本机数据库尚未就绪', details: null }),
    )
    mounted = await mountApp(backend, '/sync')
    expect(mounted.wrapper.text()).toContain('无法读取程序状态：本机数据库尚未就绪')
    expect(mounted.wrapper.get('[data-testid="connection-state"]').attributes('data-state')).toBe('checking')
  })
})
