import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { defineComponent, h, ref } from 'vue'
import MaterialsCheck from '../src/components/accept/MaterialsCheck.vue'
import type { MaterialInput, MaterialView } from '../src/api'
import { Commands, Events, MemoryBackend } from '../src/api'
import { createOnestop } from '../src/setup'

const materials: MaterialView[] = [
  { id: 'm1', name: '申请表', originals: 1, copies: 0, required: true, electronic_allowed: true, source: '', note: '' },
  { id: 'm2', name: '身份证', originals: 1, copies: 1, required: true, electronic_allowed: false, source: '', note: '' },
]

function mountCheck(backend: MemoryBackend) {
  const onestop = createOnestop({ backend, history: createMemoryHistory() })
  const scans = ref<Record<string, string>>({})
  const received = ref<MaterialInput[]>([])
  const Host = defineComponent(() => () =>
    h(MaterialsCheck, {
      materials,
      waiverAllowed: false,
      modelValue: received.value,
      'onUpdate:modelValue': (v: MaterialInput[]) => (received.value = v),
      scans: scans.value,
      'onUpdate:scans': (v: Record<string, string>) => (scans.value = v),
    }),
  )
  const wrapper = mount(Host, { global: { plugins: [onestop.plugin] }, attachTo: document.body })
  return { wrapper, scans }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('材料核验 scans', () => {
  it('选择… asks Rust for the native picker and keeps the path it returns', async () => {
    const backend = new MemoryBackend().handle(Commands.pickScanFile, () => '/home/clerk/扫描/身份证.pdf')
    const { wrapper, scans } = mountCheck(backend)
    await flushPromises()
    await wrapper.get('[data-testid="scan-pick-m2"]').trigger('click')
    await flushPromises()
    expect(scans.value).toEqual({ m2: '/home/clerk/扫描/身份证.pdf' })
    wrapper.unmount()
  })

  it('a cancelled picker changes nothing', async () => {
    const backend = new MemoryBackend().handle(Commands.pickScanFile, () => null)
    const { wrapper, scans } = mountCheck(backend)
    await flushPromises()
    await wrapper.get('[data-testid="scan-pick-m1"]').trigger('click')
    await flushPromises()
    expect(scans.value).toEqual({})
    wrapper.unmount()
  })

  it('a file dropped on a row becomes that material scan', async () => {
    const backend = new MemoryBackend()
    const { wrapper, scans } = mountCheck(backend)
    await flushPromises()
    // jsdom has no layout: the element under the drop point is the second row's cell.
    const cell = wrapper.get('[data-testid="material-m2"] td').element
    document.elementFromPoint = () => cell
    backend.emit(Events.fileDrop, { paths: ['/tmp/户口簿.jpg', '/tmp/other.jpg'], position: { x: 400, y: 300 } })
    await flushPromises()
    expect(scans.value).toEqual({ m2: '/tmp/户口簿.jpg' })
    wrapper.unmount()
  })
})
