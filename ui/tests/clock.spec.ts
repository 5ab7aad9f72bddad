import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { useClock } from '../src/composables/useClock'
import { formatDateTime, formatTimestamp } from '../src/format/datetime'

describe('clock', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('formats local time as yyyy-MM-dd HH:mm:ss', () => {
    expect(formatDateTime(new Date(2026, 0, 5, 8, 3, 9))).toBe('2026-01-05 08:03:09')
  })

  it('ticks every second', async () => {
    vi.setSystemTime(new Date(2026, 10, 28, 9, 59, 58, 500))
    const Clock = defineComponent({ setup: () => { const text = useClock(); return () => h('span', text.value) } })
    const wrapper = mount(Clock)
    expect(wrapper.text()).toBe('2026-11-28 09:59:58')
    await vi.advanceTimersByTimeAsync(500)
    expect(wrapper.text()).toBe('2026-11-28 09:59:59')
    await vi.advanceTimersByTimeAsync(1000)
    expect(wrapper.text()).toBe('2026-11-28 10:00:00')
    wrapper.unmount()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('shows RFC 3339 timestamps from Rust in local time, and null as absent', () => {
    const iso = '2026-11-28T01:30:05Z'
    expect(formatTimestamp(iso)).toBe(formatDateTime(new Date(iso)))
    expect(formatTimestamp(null)).toBeNull()
  })
})
