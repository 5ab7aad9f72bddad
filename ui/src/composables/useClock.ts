import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { formatDateTime } from '../format/datetime'

/** The time as yyyy-MM-dd HH:mm:ss China time (formatDateTime), ticking on each whole second. Display only. */
export function useClock(now: () => Date = () => new Date()): Ref<string> {
  const text = ref(formatDateTime(now()))
  let timer: ReturnType<typeof setTimeout> | undefined

  function tick(): void {
    const date = now()
    text.value = formatDateTime(date)
    // Re-arm to the next whole second so the display never drifts or skips.
    timer = setTimeout(tick, 1000 - date.getMilliseconds())
  }

  onMounted(tick)
  onBeforeUnmount(() => clearTimeout(timer))
  return text
}
