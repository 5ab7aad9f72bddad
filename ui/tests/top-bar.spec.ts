import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appStatus, backendWith, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
})

describe('top bar', () => {
  it('says 未注册窗口 and 未登录 (muted) before enrolment and login', async () => {
    mounted = await mountApp(backendWith(appStatus({ window_name: null, clerk_name: null })))
    const windowName = mounted.wrapper.get('[data-testid="window-name"]')
    const clerk = mounted.wrapper.get('[data-testid="clerk-name"]')
    expect(windowName.text()).toBe('未注册窗口')
    expect(windowName.classes()).toContain('is-muted')
    expect(clerk.text()).toBe('未登录')
  })

  it('shows the window and clerk Rust reports', async () => {
    mounted = await mountApp(backendWith(appStatus({ window_name: '综合受理 3 号窗口', clerk_name: '王芳' })))
    expect(mounted.wrapper.get('[data-testid="window-name"]').text()).toBe('综合受理 3 号窗口')
    expect(mounted.wrapper.get('[data-testid="window-name"]').classes()).not.toContain('is-muted')
    expect(mounted.wrapper.get('[data-testid="clerk-name"]').text()).toBe('王芳')
  })

  it('shows a clock as yyyy-MM-dd HH:mm:ss', async () => {
    mounted = await mountApp(backendWith(appStatus()))
    expect(mounted.wrapper.get('[data-testid="clock"]').text()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
  })
})
