import { onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'
import { navItemForKey } from '../router/navigation'

/** Alt+1 … Alt+5 switch pages from anywhere in the window. */
export function useNavShortcuts(): void {
  const router = useRouter()

  function onKeydown(event: KeyboardEvent): void {
    const item = navItemForKey(event)
    if (!item) return
    event.preventDefault()
    void router.push(item.path)
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
