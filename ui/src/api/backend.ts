// The one seam between the UI and whatever answers it (after GitButler's backend.ts).
// The app uses TauriBackend; vitest and the plain-browser preview use MemoryBackend.
// Both speak raw, untyped IPC: the typed surface is `Client` in client.ts.

/** Stops a listener. */
export type Unlisten = () => void

export interface Backend {
  /** Human-readable name, for diagnostics ("tauri", "memory"). */
  readonly kind: 'tauri' | 'memory'
  /** Runs a Rust command. Rejects with whatever Rust returned as the error (an ApiError object). */
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>
  /** Subscribes to an event emitted by Rust; resolves once the subscription is active. */
  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten>
  /**
   * Stops every listener still subscribed, and resolves once Rust has let go of them. Before the
   * page reloads (fresh-page.ts): Rust keeps a page's listeners until they are stopped, reload
   * or not.
   */
  unlistenAll(): Promise<void>
}
