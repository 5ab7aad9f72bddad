import type { Backend } from './backend'
import { createPreviewBackend } from './preview-backend'
import { isTauri, TauriBackend } from './tauri-backend'

export * from './client'
export type * from './bindings'
export { MemoryBackend } from './memory-backend'
export { isTauri, TauriBackend } from './tauri-backend'
export { createPreviewBackend } from './preview-backend'
export { useClient, clientKey } from './use-client'

/** The Tauri backend inside the desktop window; the honest in-memory preview anywhere else. */
export function createBackend(): Backend {
  return isTauri() ? new TauriBackend() : createPreviewBackend(__APP_VERSION__)
}
