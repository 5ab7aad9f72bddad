import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { useClock } from '../src/composables/useClock'
import { formatDateTime, formatTimestamp } from '../src/format/datetime'

describe('clock', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('formats China time as yyyy-MM-dd HH:mm:ss, whatever the time zone of the computer', () => {
    expect(formatDateTime(new Date('2026-01-05T00:03:09Z'))).toBe('2026-01-05 08:03:09')
    // 16:09 UTC is already the next day in Beijing: the day Rust counts 今日 by.
    expect(formatDateTime(new Date('2026-11-29T16:09:59Z'))).toBe('2026-11-30 00:09:59')
  })

  it('ticks every second', async () => {
    vi.setSystemTime(new Date('2026-11-28T01:59:58.500Z'))
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

  it('shows RFC 3339 timestamps from Rust in China time, and null as absent', () => {
    expect(formatTimestamp('2026-11-28T01:30:05Z')).toBe('2026-11-28 09:30:05')
    expect(formatTimestamp('2026-11-28T09:30:05+08:00')).toBe('2026-11-28 09:30:05')
    expect(formatTimestamp(null)).toBeNull()
  })
})
