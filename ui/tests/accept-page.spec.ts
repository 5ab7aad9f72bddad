import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Commands } from '../src/api'
import { acceptBackend as backend, caseView, chooseItemAndApplicant } from './accept-fixtures'
import { appStatus, backendWith, connectionStatus, mountApp } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
  document.body.innerHTML = ''
})

describe('受理 page', () => {
  it('finds the item by what is typed, takes the applicant by ID, and prefills the form', async () => {
    const b = backend()
    mounted = await mountApp(b, '/accept')
    await chooseItemAndApplicant(mounted)
    expect(b.calls.filter((c) => c.command === Commands.searchItems).map((c) => c.args.query)).toContain('cjrz')
    expect(mounted.wrapper.get('[data-testid="item-name"]').text()).toBe('残疾人证新办')
    // An ID number identifies one person: one Enter takes them; the ID stays masked.
    expect(mounted.wrapper.get('[data-testid="applicant-chosen"]').text()).toContain('110101********1233')
    expect(b.calls.find((c) => c.command === Commands.prefilledForm)?.args).toEqual({ applicantId: 'A1', implCode: 'I1' })
    const name = mounted.wrapper.get('[data-testid="input-applicant_name"]').element as HTMLInputElement
    expect(name.value).toBe('李残新')
  })

  it('says up front, when offline, that cases are accepted as usual and queued', async () => {
    mounted = await mountApp(backendWith(appStatus({ connection: connectionStatus({ state: 'offline' }) })), '/accept')
    expect(mounted.wrapper.get('[data-testid="accept-offline"]').text()).toContain('照常受理')
    mounted.wrapper.unmount()
    mounted = await mountApp(backend(), '/accept')
    expect(mounted.wrapper.find('[data-testid="accept-offline"]').exists()).toBe(false)
  })

  it('asks before an application under way is dropped by leaving the page', async () => {
    const b = backend()
    mounted = await mountApp(b, '/accept')
    await chooseItemAndApplicant(mounted)
    void mounted.router.push('/cases')
    await flushPromises()
    const box = document.querySelector('.el-message-box') as HTMLElement
    expect(box.textContent).toContain('放弃本次申请')
    // Keep editing: the application and the page stay.
    ;(box.querySelector('.el-message-box__btns .el-button:first-child') as HTMLElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 350))
    expect(mounted.router.currentRoute.value.path).toBe('/accept')
    expect(mounted.wrapper.get('[data-testid="item-name"]').text()).toBe('残疾人证新办')
    // Drop it: the page goes.
    void mounted.router.push('/cases')
    await flushPromises()
    const again = [...document.querySelectorAll('.el-message-box')].pop() as HTMLElement
    ;(again.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 350))
    expect(mounted.router.currentRoute.value.path).toBe('/cases')
  })

  it('submits 受理 on F2 and shows the voucher preview', async () => {
    const b = backend()
    mounted = await mountApp(b, '/accept')
    await chooseItemAndApplicant(mounted)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2' }))
    await flushPromises()
    const submit = b.calls.find((c) => c.command === Commands.submitApplication)
    expect(submit?.args.decision).toEqual({ decision: 'accept' })
    expect((submit?.args.application as { materials: unknown[] }).materials).toEqual([
      { material_id: 'm1', originals: 1, copies: 0, electronic: false, waived_reason: null },
    ])
    expect(mounted.wrapper.get('[data-testid="accept-result"]').text()).toContain('990101 0001 20261128 00001')
    expect(b.calls.find((c) => c.command === Commands.previewVoucher)?.args).toEqual({
      caseId: 'C1',
      kind: 'acceptance',
      substituteMissing: false,
    })
    expect(document.querySelector('[data-testid="voucher-page"]')).not.toBeNull()
  })

  it('shows every form error Rust reports, next to its field', async () => {
    // The live check and the submission are both Rust's validation of the same form.
    const fields = [{ key: 'cause', code: 'form.required', message: '致残原因必填' }]
    const b = backend()
      .handle(Commands.checkForm, () => fields)
      .handle(Commands.submitApplication, () =>
        Promise.reject({ code: 'form.invalid', message: '表单有 1 处需要修改：致残原因必填', details: { fields } }),
      )
    mounted = await mountApp(b, '/accept')
    await chooseItemAndApplicant(mounted)
    await mounted.wrapper.get('[data-testid="decide-accept"]').trigger('click')
    await flushPromises()
    expect(mounted.wrapper.get('[data-testid="accept-error"]').text()).toContain('致残原因必填')
    expect(mounted.wrapper.get('[data-testid="field-cause"]').classes()).toContain('os-field--error')
    expect(mounted.wrapper.get('[data-testid="error-cause"]').text()).toBe('致残原因必填')
    expect(mounted.wrapper.get('[data-testid="form-error-count"]').text()).toContain('1')
  })
})

describe('代办 page', () => {
  it('sends the agent and the 委托书 with 收件并转交 (F2) and shows the authorisation', async () => {
    const b = backend().handle(Commands.checkId, () => ({ valid: true, code: null, message: null, birth_date: '1980-01-01', sex: '男' }))
    b.handle(Commands.submitApplication, () => caseView({ status: 'received', vouchers: ['material_receipt', 'proxy_authorisation'], notice: 'proxy_authorisation' }))
    b.handle(Commands.proxyPowers, () => [
      { key: 'submit', text: '递交材料' },
      { key: 'collect', text: '领取结果' },
    ])
    mounted = await mountApp(b, '/proxy')
    expect(mounted.wrapper.find('[data-testid="page-proxy"]').exists()).toBe(true)
    await chooseItemAndApplicant(mounted)
    await mounted.wrapper.get('[data-testid="proxy-name"]').setValue('孙代办')
    await mounted.wrapper.get('[data-testid="proxy-id"]').setValue('110101198001010010')
    await mounted.wrapper.get('[data-testid="proxy-from"]').setValue('2026-11-01')
    await mounted.wrapper.get('[data-testid="proxy-until"]').setValue('2026-12-31')
    await mounted.wrapper.get('[data-testid="proxy-scan"]').setValue('/home/agent/weituoshu.png')
    // The label follows the UI; what is stored (and printed on the 委托书) is Rust's Chinese text.
    const collect = mounted.wrapper.get('[data-testid="proxy-power-collect"]')
    expect(collect.text()).toBe('领取结果')
    await collect.get('input').setValue(true)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2' }))
    await flushPromises()
    const submit = b.calls.find((c) => c.command === Commands.submitApplication)
    expect(submit?.args.decision).toEqual({ decision: 'forward' })
    expect((submit?.args.application as { proxy: unknown }).proxy).toMatchObject({
      name: '孙代办',
      id_number: '110101198001010010',
      valid_from: '2026-11-01',
      valid_until: '2026-12-31',
      authorisation_scan: '/home/agent/weituoshu.png',
      powers: ['领取结果'],
    })
    expect(b.calls.find((c) => c.command === Commands.previewVoucher)?.args.kind).toBe('proxy_authorisation')
  })
})

describe('首页', () => {
  it('shows today\'s counts and opens the filtered case list', async () => {
    const b = backendWith(appStatus()).handle(Commands.homeSummary, () => ({
      today: '2026-11-28',
      received_today: 7,
      accepted_today: 5,
      completed_today: 2,
      due_soon: 1,
      overdue: 3,
      ready_for_collection: 4,
      unsynced: 6,
    })).handle(Commands.listCases, () => [])
    mounted = await mountApp(b, '/home')
    expect(mounted.wrapper.get('[data-testid="home-received"]').text()).toContain('7')
    expect(mounted.wrapper.get('[data-testid="home-overdue"]').classes()).toContain('os-tile--danger')
    await mounted.wrapper.get('[data-testid="home-overdue"]').trigger('click')
    await flushPromises()
    expect(mounted.router.currentRoute.value.path).toBe('/cases')
    await flushPromises()
    // The tile names its list; which cases are in it is Rust's query, the one that counted it.
    const list = b.calls.find((c) => c.command === Commands.listCases)
    expect((list?.args.filter as { preset: string }).preset).toBe('overdue')
    expect(mounted.wrapper.get('[data-testid="cases-preset"]').text()).toContain('已超期（红牌）')
  })
})
