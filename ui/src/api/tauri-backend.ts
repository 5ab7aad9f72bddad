import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import type { Backend, Unlisten } from './backend'

/** The backend of the real desktop app: Tauri IPC to src-tauri. */
export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const

  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    return invoke<T>(command, args)
  }

  private readonly active = new Set<() => Promise<void>>()

  async listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
    const stop = await listen<T>(event, (e) => handler(e.payload))
    const unlisten = async (): Promise<void> => {
      if (this.active.delete(unlisten)) await stop()
    }
    this.active.add(unlisten)
    return unlisten
  }

  async unlistenAll(): Promise<void> {
    await Promise.all([...this.active].map((unlisten) => unlisten()))
  }
}

/** True inside the Tauri webview (its IPC bridge is injected before any script runs). */
export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
}
