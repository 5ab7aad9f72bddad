import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import ForwardedCases from '../src/components/cases/ForwardedCases.vue'
import { Commands, MemoryBackend, type ForwardedCase, type ForwardedDecision } from '../src/api'
import { createOnestop } from '../src/setup'

afterEach(() => {
  document.body.innerHTML = ''
})

const waiting: ForwardedCase = {
  case_id: 'c-1',
  acceptance_number: '990101000126112900013',
  acceptance_number_grouped: '990101 0001 261129 0001 3',
  item_name: '临时救助申请',
  applicant_name: '钱村民',
  department: '示范县民政局',
  status_label: '已收件',
  version: 0,
}

function mountWith(backend: MemoryBackend) {
  const onestop = createOnestop({ backend, history: createMemoryHistory() })
  return mount(ForwardedCases, { global: { plugins: [onestop.plugin] }, attachTo: document.body })
}

describe('forwarded cases', () => {
  it('stays hidden when nothing was forwarded or the server cannot be reached', async () => {
    for (const answer of [() => [], () => Promise.reject({ code: 'forwarded.offline', message: '无法连接服务器' })]) {
      const wrapper = mountWith(new MemoryBackend().handle(Commands.forwardedCases, answer))
      await flushPromises()
      expect(document.querySelector('[data-testid="forwarded-cases"]')).toBeNull()
      wrapper.unmount()
    }
  })

  it('shows a failure other than being offline, so a waiting case does not go unnoticed', async () => {
    const wrapper = mountWith(
      new MemoryBackend().handle(Commands.forwardedCases, () => Promise.reject({ code: 'auth.session_expired', message: '登录已超时，请重新登录' })),
    )
    await flushPromises()
    expect(document.querySelector('[data-testid="forwarded-error"]')?.textContent).toContain('auth.session_expired')
    wrapper.unmount()
  })

  it('accepts a forwarded case with the version it was listed at, and shows what is left', async () => {
    const decisions: ForwardedDecision[] = []
    const backend = new MemoryBackend()
      .handle(Commands.forwardedCases, () => [waiting])
      .handle(Commands.decideForwarded, ({ decision }) => {
        decisions.push(decision as ForwardedDecision)
        return []
      })
    const wrapper = mountWith(backend)
    await flushPromises()
    expect(document.querySelector('[data-testid="forwarded-cases"]')?.textContent).toContain('临时救助申请')
    expect(document.querySelector(`[data-testid="forwarded-applicant-${waiting.acceptance_number}"]`)?.textContent).toBe('钱村民')
    ;(document.querySelector(`[data-testid="forwarded-accept-${waiting.acceptance_number}"]`) as HTMLElement).click()
    await flushPromises()
    expect(decisions).toEqual([{ case_id: 'c-1', version: 0, accept: true, reason: '', legal_basis: '' }])
    expect(document.querySelector('[data-testid="forwarded-cases"]')).toBeNull()
    wrapper.unmount()
  })

  it("refuses with the clerk's reason and legal basis, and shows Rust's error when it is refused", async () => {
    const decisions: ForwardedDecision[] = []
    const backend = new MemoryBackend()
      .handle(Commands.forwardedCases, () => [waiting])
      .handle(Commands.decideForwarded, ({ decision }) => {
        decisions.push(decision as ForwardedDecision)
        return Promise.reject({ code: 'case.version_conflict', message: '办件已被他人处理，请刷新后重试' })
      })
    const wrapper = mountWith(backend)
    await flushPromises()
    ;(document.querySelector(`[data-testid="forwarded-refuse-${waiting.acceptance_number}"]`) as HTMLElement).click()
    await flushPromises()
    const reason = document.querySelector('textarea[data-testid="forwarded-reason"]') as HTMLTextAreaElement
    reason.value = '不属于本机关职权范围'
    reason.dispatchEvent(new Event('input'))
    const basis = document.querySelector('input[data-testid="forwarded-legal-basis"]') as HTMLInputElement
    basis.value = '《行政许可法》第三十二条'
    basis.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="forwarded-refuse-confirm"]') as HTMLElement).click()
    await flushPromises()
    expect(decisions).toEqual([
      { case_id: 'c-1', version: 0, accept: false, reason: '不属于本机关职权范围', legal_basis: '《行政许可法》第三十二条' },
    ])
    expect(document.querySelector('[data-testid="forwarded-error"]')?.textContent).toContain('case.version_conflict')
    wrapper.unmount()
  })

  it('shows what the village filed, as Rust read it from the server', async () => {
    const asked: unknown[] = []
    const backend = new MemoryBackend()
      .handle(Commands.forwardedCases, () => [waiting])
      .handle(Commands.forwardedCaseDetail, (args) => {
        asked.push(args)
        return {
          case_id: 'c-1',
          fields: [{ label: '困难情况说明', value: '家中失火，房屋受损' }],
          materials: [
            { name: '临时救助申请书', required: true, originals: 1, copies: 0, electronic: false, waived_reason: null, received: true, scans: 1 },
            { name: '困难证明材料', required: true, originals: 0, copies: 0, electronic: false, waived_reason: null, received: false, scans: 0 },
          ],
          scans_incomplete: false,
        }
      })
    const wrapper = mountWith(backend)
    await flushPromises()
    ;(document.querySelector(`[data-testid="forwarded-view-${waiting.acceptance_number}"]`) as HTMLElement).click()
    await flushPromises()
    expect(asked).toEqual([{ caseId: 'c-1' }])
    expect(document.querySelector('[data-testid="forwarded-filed-form"]')?.textContent).toContain('家中失火，房屋受损')
    const materials = document.querySelector('[data-testid="forwarded-filed-materials"]')?.textContent ?? ''
    expect(materials).toContain('原件 1 份，复印件 0 份')
    expect(materials).toContain('未收取')
    wrapper.unmount()
  })
})
