import type { Backend, Unlisten } from './backend'
import type { ApiError } from './bindings'

type Handler = (args: Record<string, unknown>) => unknown

/**
 * An explicit in-memory backend. Tests register what each command answers and emit events by hand;
 * the browser preview (no Tauri) uses it to report an honest "checking" state.
 * A handler that throws (or returns a rejected promise) plays a Rust command returning Err(ApiError).
 */
export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const
  /** Every invoke, in order: lets tests assert what the UI asked for. */
  readonly calls: { command: string; args: Record<string, unknown> }[] = []
  private readonly handlers = new Map<string, Handler>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()

  /** Sets what `command` answers. Returns `this` so set-ups chain. */
  handle(command: string, handler: Handler): this {
    this.handlers.set(command, handler)
    return this
  }

  async invoke<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    this.calls.push({ command, args })
    const handler = this.handlers.get(command)
    if (!handler) {
      const error: ApiError = {
        code: 'client.unknown_command',
        message: `未知的命令：${command}`,
        details: { command },
      }
      throw error
    }
    return (await handler(args)) as T
  }

  async listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    const entry = handler as (payload: unknown) => void
    set.add(entry)
    return () => {
      set.delete(entry)
    }
  }

  async unlistenAll(): Promise<void> {
    this.listeners.clear()
  }

  /** Plays Rust emitting `event` with `payload` to every current listener. */
  emit<T>(event: string, payload: T): void {
    for (const handler of this.listeners.get(event) ?? []) handler(payload)
  }

  /** How many listeners `event` has now (to check that the UI subscribes, and unsubscribes). */
  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0
  }
}
