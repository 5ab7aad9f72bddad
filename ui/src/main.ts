// Element Plus's theme variables first, so styles/base.css can override them.
import 'element-plus/theme-chalk/base.css'
// ElMessage, ElMessageBox and ElNotification are called, never written in a template, so the component
// resolver (vite.config.ts) does not see them: their CSS is brought here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/notification/style/css'
import { createApp } from 'vue'
import { createWebHashHistory } from 'vue-router'
import App from './App.vue'
// After App and the component CSS it pulls in: our look wins where it restyles a component.
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
