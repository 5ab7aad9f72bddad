import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import App from '../src/App.vue'
import { createOnestop } from '../src/setup'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Commands, Events, type AppStatus } from '../src/api'
import { ENROLLED_HINT_KEY } from '../src/stores/enrolled-hint'
import { FRESH_PAGE_EVERY, loadFreshPage, resetFreshPageForTests } from '../src/stores/fresh-page'
import { acceptBackend, caseView, chooseItemAndApplicant } from './accept-fixtures'
import { appStatus, mountApp, settle, syncStatus } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null
const reload = vi.fn()

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  reload.mockReset()
  resetFreshPageForTests(reload)
})
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
  document.body.innerHTML = ''
})

let caseNo = 0
/** Each decision a case of its own, as Rust would number it. */
function backend() {
  return acceptBackend().handle(Commands.submitApplication, () => caseView({ case_id: `C${++caseNo}` }))
}

/** One citizen: item, applicant, F2, then 下一件 as the clerk presses it. */
async function acceptOne(m: Mounted): Promise<void> {
  await chooseItemAndApplicant(m)
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2' }))
  await flushPromises()
  expect(m.wrapper.find('[data-testid="accept-result"]').exists()).toBe(true)
  await m.wrapper.get('[data-testid="accept-next"]').trigger('click')
  await flushPromises()
}

describe('a fresh page every so many citizens', () => {
  it('reloads on 下一件 after the set number of decided cases, and not before', async () => {
    const b = backend().handle(Commands.syncStatus, () => syncStatus({ notices: ['办件 0001 结果可领取'] }))
    mounted = await mountApp(b, '/accept')
    for (let i = 1; i < FRESH_PAGE_EVERY; i++) {
      await acceptOne(mounted)
      // Reset in place: the page is empty again and nothing reloaded.
      expect(mounted.wrapper.find('[data-testid="item-search"]').exists()).toBe(true)
    }
    expect(reload).not.toHaveBeenCalled()
    // Rust keeps a page's listeners through a reload: the page stops them first.
    const listening = () => b.listenerCount(Events.syncStatus) + b.listenerCount(Events.connectionChanged)
    expect(listening()).toBeGreaterThan(0)
    let listeningAtReload = -1
    reload.mockImplementation(() => (listeningAtReload = listening()))
    await acceptOne(mounted)
    expect(reload).toHaveBeenCalledTimes(1)
    expect(listeningAtReload).toBe(0)
    expect(b.calls.filter((c) => c.command === Commands.submitApplication)).toHaveLength(FRESH_PAGE_EVERY)
    // What the next page needs: that this is a reload, and which notices were already told.
    expect(sessionStorage.getItem('onestop.freshPage')).toBe('1')
    expect(JSON.parse(sessionStorage.getItem('onestop.knownNotices') ?? 'null')).toEqual(['办件 0001 结果可领取'])
  }, 30_000) // twenty citizens through the page take a few seconds in jsdom

  it('新办件 in the header asks before it drops an application under way', async () => {
    mounted = await mountApp(backend(), '/accept')
    const search = mounted.wrapper.get('[data-testid="item-search"]')
    await search.setValue('cjrz')
    await flushPromises()
    await search.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    await mounted.wrapper.get('[data-testid="accept-reset"]').trigger('click')
    await flushPromises()
    const box = document.querySelector('.el-message-box') as HTMLElement
    expect(box.textContent).toContain('放弃本次申请')
    ;(box.querySelector('.el-message-box__btns .el-button:first-child') as HTMLElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 350))
    expect(mounted.wrapper.get('[data-testid="item-name"]').text()).toBe('残疾人证新办')
    expect(reload).not.toHaveBeenCalled()
  })

  it('comes back on its page without showing the login, and starts a launch afresh', async () => {
    localStorage.setItem(ENROLLED_HINT_KEY, '1')
    sessionStorage.setItem('onestop.freshPage', '1')
    // app_status has not answered yet: on a launch this shows the login (enrolled hint).
    let answer: () => void = () => {}
    const status: AppStatus = appStatus()
    const b = backend().handle(Commands.appStatus, () => new Promise<AppStatus>((resolve) => (answer = () => resolve(status))))
    mounted = await mountApp(b, '/accept')
    expect(mounted.wrapper.find('[data-testid="page-login"]').exists()).toBe(false)
    expect(mounted.wrapper.find('[data-testid="page-accept"]').exists()).toBe(true)
    expect(document.activeElement).toBe(mounted.wrapper.get('[data-testid="item-search"]').element)
    answer()
    await flushPromises()
    expect(mounted.wrapper.find('[data-testid="page-accept"]').exists()).toBe(true)
    // Read once: the next start is a launch again.
    expect(sessionStorage.getItem('onestop.freshPage')).toBeNull()
  })

  it('stays on the page it reloaded on when Rust answers before that page has loaded', async () => {
    sessionStorage.setItem('onestop.freshPage', '1')
    // As in the app: the address names the page, and the router is not awaited before mounting.
    const history = createMemoryHistory()
    history.replace('/accept')
    const onestop = createOnestop({ backend: backend(), history })
    const wrapper = mount(App, { global: { plugins: [onestop.plugin] }, attachTo: document.body })
    mounted = { wrapper, ...onestop }
    await settle()
    expect(onestop.router.currentRoute.value.path).toBe('/accept')
    expect(wrapper.find('[data-testid="page-accept"]').exists()).toBe(true)
  })

  it('pops up a notice that came during the reload, and not the ones already told', async () => {
    sessionStorage.setItem('onestop.freshPage', '1')
    sessionStorage.setItem('onestop.knownNotices', JSON.stringify(['旧消息']))
    const b = backend().handle(Commands.syncStatus, () => syncStatus({ notices: ['办件 0002 结果可领取', '旧消息'] }))
    mounted = await mountApp(b, '/accept')
    await flushPromises()
    const popups = [...document.querySelectorAll('.el-notification')].map((n) => n.textContent ?? '')
    expect(popups).toHaveLength(1)
    expect(popups[0]).toContain('办件 0002 结果可领取')
  })

  it('on a launch, the notices present are history', async () => {
    const b = backend().handle(Commands.syncStatus, () => syncStatus({ notices: ['办件 0002 结果可领取', '旧消息'] }))
    mounted = await mountApp(b, '/accept')
    await flushPromises()
    expect(document.querySelector('.el-notification')).toBeNull()
  })
})

describe('loadFreshPage', () => {
  it('reloads after a second even when Rust never lets go of the listeners', async () => {
    vi.useFakeTimers()
    try {
      const done = loadFreshPage(null, () => new Promise<void>(() => {}))
      await vi.advanceTimersByTimeAsync(999)
      expect(reload).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(1)
      await done
      expect(reload).toHaveBeenCalledTimes(1)
    } finally {
      vi.useRealTimers()
    }
  })
})
