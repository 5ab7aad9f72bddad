import { createPinia } from 'pinia'
import type { Plugin } from 'vue'
import type { RouterHistory } from 'vue-router'
import { Client, clientKey, type Backend } from './api'
import { createAppI18n } from './i18n'
import { createAppRouter } from './router'
import { loadPreferences } from './stores/preferences'

export interface OnestopOptions {
  /** TauriBackend in the app, MemoryBackend in tests and the browser preview. */
  backend: Backend
  /** Hash history in the app (works under Tauri's protocol with base './'), memory history in tests. */
  history: RouterHistory
}

/** Everything App.vue needs, as one plugin: the same wiring for the app and for tests. */
export function createOnestop(options: OnestopOptions) {
  const client = new Client(options.backend)
  const pinia = createPinia()
  const router = createAppRouter(options.history)
  const i18n = createAppI18n(loadPreferences().locale)

  const plugin: Plugin = {
    install(app) {
      app.provide(clientKey, client)
      app.use(pinia)
      app.use(i18n)
      app.use(router)
      // Element Plus's components come per SFC (vite.config.ts), and its services get the app's
      // context from ElementScope, which loads after the login (element-services.ts).
    },
  }
  return { plugin, client, pinia, router, i18n }
}
