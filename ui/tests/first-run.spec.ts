import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Commands, type EnrollResponse } from '../src/api'
import { formatTimestamp } from '../src/format/datetime'
import { appStatus, backendWith, clerkUser, mountApp, settle } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
  document.body.innerHTML = ''
})

const enrolled: EnrollResponse = {
  device_id: 'dev-1',
  window_id: 'win-1',
  window_name: '城关镇便民服务中心 1 号窗口',
  county_code: '410102',
  level: 'township',
  terminal_code: '0203',
}

describe('登记本机 (first run)', () => {
  it('is shown when Rust reports no window, with the server field focused', async () => {
    mounted = await mountApp(backendWith(appStatus({ window_name: null, clerk_name: null })))
    expect(mounted.wrapper.find('[data-testid="page-enrol"]').exists()).toBe(true)
    expect(document.activeElement).toBe(mounted.wrapper.get('[data-testid="enrol-server-url"]').element)
    // the status bar keeps its connection state
    expect(mounted.wrapper.get('[data-testid="connection-state"]').attributes('data-state')).toBe('connected')
  })

  it('enrols, shows window, level and terminal code, saves the printer, then asks for login', async () => {
    const backend = backendWith(appStatus({ window_name: null, clerk_name: null }))
      .handle(Commands.enrol, () => enrolled)
      .handle(Commands.listPrinters, () => [
        { name: 'HP-LaserJet', is_default: true },
        { name: 'Kyocera', is_default: false },
      ])
      .handle(Commands.defaultPrinter, () => null)
      .handle(Commands.setDefaultPrinter, () => undefined)
    mounted = await mountApp(backend)
    await mounted.wrapper.get('[data-testid="enrol-server-url"]').setValue('https://zwfw.example.gov.cn')
    await mounted.wrapper.get('[data-testid="enrol-code"]').setValue('ABCD-1234')
    await mounted.wrapper.get('[data-testid="page-enrol"] form').trigger('submit')
    await flushPromises()

    expect(backend.calls.find((c) => c.command === 'enrol')?.args).toEqual({
      serverUrl: 'https://zwfw.example.gov.cn',
      code: 'ABCD-1234',
    })
    expect(mounted.wrapper.get('[data-testid="enrolled-window"]').text()).toBe('城关镇便民服务中心 1 号窗口')
    expect(mounted.wrapper.get('[data-testid="enrolled-level"]').text()).toBe('乡镇中心')
    expect(mounted.wrapper.get('[data-testid="enrolled-terminal"]').text()).toBe('0203')

    await mounted.wrapper.get('[data-testid="page-enrol"] form').trigger('submit')
    await flushPromises()
    expect(backend.calls.find((c) => c.command === 'set_default_printer')?.args).toEqual({ name: 'HP-LaserJet' })
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(true)
    expect(mounted.wrapper.get('[data-testid="window-name"]').text()).toBe('城关镇便民服务中心 1 号窗口')
  })

  it('shows the Chinese message of a refused code', async () => {
    const backend = backendWith(appStatus({ window_name: null, clerk_name: null })).handle(Commands.enrol, () =>
      Promise.reject({ code: 'enrol.code_invalid', message: '登记码无效或已使用', details: null }),
    )
    mounted = await mountApp(backend)
    await mounted.wrapper.get('[data-testid="page-enrol"] form').trigger('submit')
    await flushPromises()
    expect(mounted.wrapper.get('[data-testid="enrol-error"]').text()).toContain('登记码无效或已使用')
    expect(mounted.wrapper.find('[data-testid="enrolled-window"]').exists()).toBe(false)
  })
})

describe('经办人登录', () => {
  it('is shown when enrolled but nobody is signed in; a login puts the clerk in the top bar', async () => {
    const backend = backendWith(appStatus({ clerk_name: null })).handle(Commands.login, () => clerkUser)
    mounted = await mountApp(backend, '/accept')
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(true)
    expect(document.activeElement).toBe(mounted.wrapper.get('[data-testid="login-username"]').element)

    await mounted.wrapper.get('[data-testid="login-username"]').setValue('wangfang')
    await mounted.wrapper.get('[data-testid="login-password"]').setValue('s3cret')
    await mounted.wrapper.get('[data-testid="page-login"] form').trigger('submit')
    await flushPromises()

    expect(backend.calls.find((c) => c.command === 'login')?.args).toEqual({ username: 'wangfang', password: 's3cret' })
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(false)
    expect(mounted.wrapper.get('[data-testid="clerk-name"]').text()).toBe('王芳')
  })

  it('shows the Chinese message of a refused login', async () => {
    const backend = backendWith(appStatus({ clerk_name: null })).handle(Commands.login, () =>
      Promise.reject({ code: 'auth.bad_credentials', message: '用户名或密码错误', details: null }),
    )
    mounted = await mountApp(backend)
    await mounted.wrapper.get('[data-testid="page-login"] form').trigger('submit')
    await flushPromises()
    expect(mounted.wrapper.get('[data-testid="login-error"]').text()).toContain('用户名或密码错误')
    expect(mounted.wrapper.get('[data-testid="clerk-name"]').text()).toBe('未登录')
  })

  // The login is the launch screen: Element Plus and the pages load only after it (see
  // docs/benchmarks.md, "Window speed"), so it must not use either.
  it('draws the login without Element Plus and no page behind it, then opens 首页 after sign-in', async () => {
    const backend = backendWith(appStatus({ clerk_name: null }))
      .handle(Commands.login, () => clerkUser)
      .handle(Commands.homeSummary, () => Promise.reject({ code: 'test.none', message: '无', details: null }))
    mounted = await mountApp(backend)
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(true)
    expect(document.querySelectorAll('[class^="el-"], [class*=" el-"]')).toHaveLength(0)
    expect(mounted.router.currentRoute.value.path).toBe('/')
    expect(mounted.router.currentRoute.value.matched.map((r) => r.name)).not.toContain('home')

    await mounted.wrapper.get('[data-testid="login-username"]').setValue('wangfang')
    await mounted.wrapper.get('[data-testid="login-password"]').setValue('s3cret')
    await mounted.wrapper.get('[data-testid="login-password-reveal"]').trigger('click')
    expect(mounted.wrapper.get('[data-testid="login-password"]').attributes('type')).toBe('text')
    await mounted.wrapper.get('[data-testid="page-login"] form').trigger('submit')
    await settle()

    expect(mounted.router.currentRoute.value.path).toBe('/home')
    expect(mounted.wrapper.find('[data-testid="page-home"]').exists()).toBe(true)
  })

  it('signs in offline and says until when, in a message that loads with Element Plus', async () => {
    const backend = backendWith(appStatus({ clerk_name: null })).handle(Commands.login, () => ({
      username: 'wangfang',
      display_name: '王芳',
      role: 'window_clerk',
      offline: true,
      offline_valid_until: '2026-12-05T09:00:00+08:00',
    }))
    mounted = await mountApp(backend)
    await mounted.wrapper.get('[data-testid="login-username"]').setValue('wangfang')
    await mounted.wrapper.get('[data-testid="login-password"]').setValue('s3cret')
    await mounted.wrapper.get('[data-testid="page-login"] form').trigger('submit')
    await settle()

    expect(mounted.wrapper.get('[data-testid="clerk-name"]').text()).toBe('王芳')
    const message = document.querySelector('.el-message')
    expect(message?.textContent).toContain('已按本机缓存的凭据离线登录')
    expect(message?.textContent).toContain(formatTimestamp('2026-12-05T09:00:00+08:00'))
  })
})
