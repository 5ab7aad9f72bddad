import { createApp } from 'vue'
import { createWebHashHistory } from 'vue-router'
import App from './App.vue'
// Element Plus's theme and component CSS load later, with the first screen that uses it
// (element-services.ts); base.css outranks it where it restyles a component.
import './styles/base.css'
import { createBackend } from './api'
import { createOnestop } from './setup'
import { applyFontSize, loadPreferences } from './stores/preferences'

// Marks for the window speed bench's page timeline (SPEED_TRACE=1): all modules evaluated, and
// the first render done.
performance.mark('onestop:modules-evaluated')

// F5 and Ctrl+R would reload the page and drop what it holds (a half-typed application); F5 sits
// beside the F-key decisions of the 受理 page.
window.addEventListener('keydown', (event) => {
  const reload = event.key === 'F5' || (event.ctrlKey && (event.key === 'r' || event.key === 'R'))
  if (reload) event.preventDefault()
})

// Size the text before the first paint, so a clerk who chose 特大 never sees the page jump.
applyFontSize(loadPreferences().fontSize)

const { plugin } = createOnestop({ backend: createBackend(), history: createWebHashHistory() })
createApp(App).use(plugin).mount('#app')
performance.mark('onestop:mounted')
