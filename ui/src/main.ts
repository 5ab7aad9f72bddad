import 'element-plus/dist/index.css'
import './styles/base.css'
import { createApp } from 'vue'
import { createWebHashHistory } from 'vue-router'
import App from './App.vue'
import { createBackend } from './api'
import { createOnestop } from './setup'
import { applyFontSize, loadPreferences } from './stores/preferences'

// Size the text before the first paint, so a clerk who chose 特大 never sees the page jump.
applyFontSize(loadPreferences().fontSize)

const { plugin } = createOnestop({ backend: createBackend(), history: createWebHashHistory() })
createApp(App).use(plugin).mount('#app')
