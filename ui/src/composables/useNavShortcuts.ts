import { onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'
import { navItemForKey } from '../router/navigation'

/** Alt+1 … Alt+6 switch pages from anywhere in the window, once `locked()` (before enrolment or
 * sign-in) no longer holds. */
export function useNavShortcuts(locked: () => boolean = () => false): void {
  const router = useRouter()

  function onKeydown(event: KeyboardEvent): void {
    const item = navItemForKey(event)
    if (!item || locked()) return
    event.preventDefault()
    void router.push(item.path)
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
