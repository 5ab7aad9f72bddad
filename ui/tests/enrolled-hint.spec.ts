import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Commands, type AppStatus } from '../src/api'
import { ENROLLED_HINT_KEY } from '../src/stores/enrolled-hint'
import { appStatus, backendWith, clerkUser, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
  document.body.innerHTML = ''
})

/** app_status answers only when the test says so. */
function heldStatus(status: AppStatus) {
  let answer: () => void = () => {}
  const backend = backendWith(status).handle(Commands.appStatus, () => new Promise<AppStatus>((resolve) => (answer = () => resolve(status))))
  return { backend, answer: () => answer() }
}

describe('enrolled hint (login before Rust answers)', () => {
  it('is remembered, as a bare flag, once Rust reports an enrolled window', async () => {
    mounted = await mountApp(backendWith(appStatus({ clerk_name: null })))
    expect(localStorage.getItem(ENROLLED_HINT_KEY)).toBe('1')
  })

  it('without it, nothing shows the login before Rust answers', async () => {
    const { backend } = heldStatus(appStatus({ clerk_name: null }))
    mounted = await mountApp(backend)
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(false)
  })

  it('shows the login, focused, before app_status answers, then fills in the window', async () => {
    localStorage.setItem(ENROLLED_HINT_KEY, '1')
    const { backend, answer } = heldStatus(appStatus({ clerk_name: null }))
    mounted = await mountApp(backend)
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(true)
    expect(document.activeElement).toBe(mounted.wrapper.get('[data-testid="login-username"]').element)
    expect(mounted.wrapper.get('.os-setup__lead').text()).not.toContain('请使用本人账号登录')

    answer()
    await flushPromises()
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(true)
    expect(mounted.wrapper.get('.os-setup__lead').text()).toBe('综合受理 3 号窗口：请使用本人账号登录。')
    expect(mounted.wrapper.get('[data-testid="window-name"]').text()).toBe('综合受理 3 号窗口')
  })

  it('gives way to 登记本机, and is forgotten, when Rust says the PC is no longer enrolled', async () => {
    localStorage.setItem(ENROLLED_HINT_KEY, '1')
    mounted = await mountApp(backendWith(appStatus({ window_name: null, clerk_name: null })))
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(false)
    expect(mounted.wrapper.find('[data-testid="page-enrol"]').exists()).toBe(true)
    expect(localStorage.getItem(ENROLLED_HINT_KEY)).toBeNull()
  })

  it('gives way to the pages when Rust says a clerk is still signed in', async () => {
    localStorage.setItem(ENROLLED_HINT_KEY, '1')
    mounted = await mountApp(backendWith(appStatus()))
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(false)
    expect(mounted.wrapper.find('[data-testid="page-home"]').exists()).toBe(true)
  })

  it('keeps a sign-in made before app_status answered', async () => {
    localStorage.setItem(ENROLLED_HINT_KEY, '1')
    const { backend, answer } = heldStatus(appStatus({ clerk_name: null }))
    backend.handle(Commands.login, () => clerkUser)
    mounted = await mountApp(backend)
    await mounted.wrapper.get('[data-testid="login-username"]').setValue('wangfang')
    await mounted.wrapper.get('[data-testid="login-password"]').setValue('s3cret')
    await mounted.wrapper.get('[data-testid="page-login"] form').trigger('submit')
    await flushPromises()

    answer() // a snapshot taken before the login: nobody signed in
    await flushPromises()
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(false)
    expect(mounted.wrapper.get('[data-testid="clerk-name"]').text()).toBe('王芳')
  })
})
