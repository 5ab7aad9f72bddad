import type { Backend, Unlisten } from './backend'
import type { AppStatus, ConnectionStatus } from './bindings'
import { toClientError } from './errors'

export { ClientError } from './errors'
export type { Backend, Unlisten } from './backend'

/** Names of the Rust commands and events, as src-tauri registers them. */
export const Commands = {
  appStatus: 'app_status',
  checkConnectionNow: 'check_connection_now',
} as const

export const Events = {
  connectionChanged: 'connection-changed',
} as const

/**
 * The typed client: the only way the UI talks to Rust. Every command goes through `call`,
 * which turns any rejection into a ClientError.
 */
export class Client {
  constructor(readonly backend: Backend) {}

  /** Version, window, clerk and the current connection status. */
  appStatus(): Promise<AppStatus> {
    return this.call<AppStatus>(Commands.appStatus)
  }

  /** Asks Rust to check the server now; resolves with the fresh status (also emitted as an event). */
  checkConnectionNow(): Promise<ConnectionStatus> {
    return this.call<ConnectionStatus>(Commands.checkConnectionNow)
  }

  /** Calls `handler` each time Rust reports a new connection status. */
  onConnectionChanged(handler: (status: ConnectionStatus) => void): Promise<Unlisten> {
    return this.backend.listen<ConnectionStatus>(Events.connectionChanged, handler)
  }

  private async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    try {
      return await this.backend.invoke<T>(command, args)
    } catch (error) {
      throw toClientError(error, command)
    }
  }
}
