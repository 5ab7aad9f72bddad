import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import WithdrawDialog from '../src/components/cases/WithdrawDialog.vue'
import { Commands, MemoryBackend, type CaseView } from '../src/api'
import { createOnestop } from '../src/setup'

afterEach(() => {
  document.body.innerHTML = ''
})

function mountWith(backend: MemoryBackend) {
  const onestop = createOnestop({ backend, history: createMemoryHistory() })
  return mount(WithdrawDialog, {
    props: { caseId: 'c-1', number: '990101-0001-261129-0001-3' },
    global: { plugins: [onestop.plugin] },
    attachTo: document.body,
  })
}

function typeReason(text: string): void {
  const input = document.querySelector('input[data-testid="case-withdraw-reason"]') as HTMLInputElement
  input.value = text
  input.dispatchEvent(new Event('input'))
}

describe('withdraw dialog', () => {
  it("sends the applicant's reason and hands Rust's answer to the page", async () => {
    const asked: unknown[] = []
    const answer = { case_id: 'c-1', status: 'withdrawn' } as unknown as CaseView
    const backend = new MemoryBackend().handle(Commands.withdrawCase, (args) => {
      asked.push(args)
      return answer
    })
    const wrapper = mountWith(backend)
    await flushPromises()
    expect(document.querySelector('[data-testid="case-withdraw-dialog"]')?.textContent).toContain('990101-0001-261129-0001-3')
    typeReason('申请人书面申请撤回')
    ;(document.querySelector('[data-testid="case-withdraw-confirm"]') as HTMLElement).click()
    await flushPromises()
    expect(asked).toEqual([{ caseId: 'c-1', reason: '申请人书面申请撤回' }])
    expect(wrapper.emitted('done')).toEqual([[answer]])
    wrapper.unmount()
  })

  it("keeps the dialog and what was typed when Rust refuses, and shows its message and code", async () => {
    const backend = new MemoryBackend().handle(Commands.withdrawCase, () =>
      Promise.reject({ code: 'withdraw.offline', message: '无法连接服务器；已受理的办件须在联网时撤回，请稍后在办件页重试' }),
    )
    const wrapper = mountWith(backend)
    await flushPromises()
    typeReason('申请人口头申请撤回')
    const input = document.querySelector('input[data-testid="case-withdraw-reason"]') as HTMLInputElement
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }))
    await flushPromises()
    const error = document.querySelector('[data-testid="case-withdraw-error"]')?.textContent ?? ''
    expect(error).toContain('须在联网时撤回')
    expect(error).toContain('withdraw.offline')
    expect(input.value).toBe('申请人口头申请撤回')
    expect(wrapper.emitted('done')).toBeUndefined()
    wrapper.unmount()
  })
})
