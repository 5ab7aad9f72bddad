import type { Backend, Unlisten } from './backend'
import type { AppStatus, ConnectionStatus, EnrollResponse, Printer, SyncStatus, UserInfo } from './bindings'
import { toClientError } from './errors'

export { ClientError } from './errors'
export type { Backend, Unlisten } from './backend'

/** Names of the Rust commands and events, as src-tauri registers them. */
export const Commands = {
  appStatus: 'app_status',
  checkConnectionNow: 'check_connection_now',
  enrol: 'enrol',
  login: 'login',
  syncStatus: 'sync_status',
  syncNow: 'sync_now',
  retryCaseSync: 'retry_case_sync',
  listPrinters: 'list_printers',
  defaultPrinter: 'default_printer',
  setDefaultPrinter: 'set_default_printer',
} as const

export const Events = {
  connectionChanged: 'connection-changed',
  syncStatus: 'sync-status',
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

  /** 登记本机 with the one-time code an administrator issued. */
  enrol(serverUrl: string, code: string): Promise<EnrollResponse> {
    return this.call<EnrollResponse>(Commands.enrol, { serverUrl, code })
  }

  /** Signs the clerk in (online); sync starts on success. */
  login(username: string, password: string): Promise<UserInfo> {
    return this.call<UserInfo>(Commands.login, { username, password })
  }

  syncStatus(): Promise<SyncStatus> {
    return this.call<SyncStatus>(Commands.syncStatus)
  }

  /** 立即同步. */
  syncNow(): Promise<void> {
    return this.call<void>(Commands.syncNow)
  }

  /** 重试 on a case the server rejected. */
  retryCaseSync(caseId: string): Promise<void> {
    return this.call<void>(Commands.retryCaseSync, { caseId })
  }

  listPrinters(): Promise<Printer[]> {
    return this.call<Printer[]>(Commands.listPrinters)
  }

  defaultPrinter(): Promise<string | null> {
    return this.call<string | null>(Commands.defaultPrinter)
  }

  setDefaultPrinter(name: string): Promise<void> {
    return this.call<void>(Commands.setDefaultPrinter, { name })
  }

  /** Calls `handler` each time Rust reports a new sync status. */
  onSyncStatus(handler: (status: SyncStatus) => void): Promise<Unlisten> {
    return this.backend.listen<SyncStatus>(Events.syncStatus, handler)
  }

  private async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    try {
      return await this.backend.invoke<T>(command, args)
    } catch (error) {
      throw toClientError(error, command)
    }
  }
}
