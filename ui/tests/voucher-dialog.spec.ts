import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { defineComponent, h, ref } from 'vue'
import VoucherDialog from '../src/components/VoucherDialog.vue'
import { Commands, MemoryBackend } from '../src/api'
import { createOnestop } from '../src/setup'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('voucher preview', () => {
  it("never shows the previous citizen's voucher while the next one renders", async () => {
    let release: (() => void) | null = null
    const backend = new MemoryBackend().handle(Commands.previewVoucher, ({ caseId }) => {
      const page = { kind: 'acceptance', pages: [`data:image/png;base64,${String(caseId)}`], reprint_count: 0, printer: null, job_id: null, substituted: [] }
      if (caseId === 'A') return page
      return new Promise((resolve) => (release = () => resolve(page)))
    })
    const onestop = createOnestop({ backend, history: createMemoryHistory() })
    const caseId = ref('A')
    const Host = defineComponent(() => () => h(VoucherDialog, { caseId: caseId.value, kind: 'acceptance' }))
    const wrapper = mount(Host, { global: { plugins: [onestop.plugin] }, attachTo: document.body })
    await flushPromises()
    const sources = () => [...document.querySelectorAll('[data-testid="voucher-page"]')].map((i) => i.getAttribute('src'))
    expect(sources()).toEqual(['data:image/png;base64,A'])

    caseId.value = 'B'
    await flushPromises()
    expect(sources()).toEqual([])
    release!()
    await flushPromises()
    expect(sources()).toEqual(['data:image/png;base64,B'])
    wrapper.unmount()
  })

  it('prints on the first Enter and closes on the second, which must not send a counted 补打', async () => {
    const printed: unknown[] = []
    const page = { kind: 'acceptance', pages: ['data:image/png;base64,A'], reprint_count: 0, printer: null, job_id: null, substituted: [] }
    const backend = new MemoryBackend()
      .handle(Commands.previewVoucher, () => page)
      .handle(Commands.printVoucher, (args) => {
        printed.push(args)
        return { ...page, reprint_count: printed.length - 1, printer: 'PDF', job_id: `job-${printed.length}` }
      })
    const onestop = createOnestop({ backend, history: createMemoryHistory() })
    const closed: string[] = []
    const Host = defineComponent(() => () => h(VoucherDialog, { caseId: 'A', kind: 'acceptance', onClose: () => closed.push('close') }))
    const wrapper = mount(Host, { global: { plugins: [onestop.plugin] }, attachTo: document.body })
    await flushPromises()
    const enter = () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }))
    enter()
    await flushPromises()
    expect(printed).toHaveLength(1)
    expect(closed).toEqual([])
    enter()
    await flushPromises()
    expect(printed).toHaveLength(1)
    expect(closed).toEqual(['close'])
    // The button itself still reprints.
    ;(document.querySelector('[data-testid="voucher-print"]') as HTMLElement).click()
    await flushPromises()
    expect(printed).toHaveLength(2)
    wrapper.unmount()
  })
})
