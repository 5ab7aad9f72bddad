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
})
