// Element Plus's theme and the two services the app calls as functions. Nothing before sign-in
// imports Element Plus (the login and the shell are plain elements), so its code and CSS load
// with the first page after it, not at launch: see docs/benchmarks.md, "Window speed".
import 'element-plus/theme-chalk/base.css'
// ElMessage, ElMessageBox and ElNotification are called, never written in a template, so the
// component resolver (vite.config.ts) does not see them: their CSS comes here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/notification/style/css'
import { ElMessage, ElNotification } from 'element-plus'
import type { App } from 'vue'

const installed = new WeakSet<App>()

/** Gives the two services the app's context, as the full ElementPlus plugin would; once per app. */
export function installElementServices(app: App): void {
  if (installed.has(app)) return
  installed.add(app)
  app.use(ElMessage)
  app.use(ElNotification)
}

export { ElMessage, ElNotification }
