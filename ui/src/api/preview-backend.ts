import type { AppStatus, ConnectionStatus, SyncStatus } from './bindings'
import { Commands } from './client'
import { MemoryBackend } from './memory-backend'

/**
 * What the UI talks to when it runs in a plain browser (vite dev or preview) instead of the Tauri
 * window. Nothing can reach the server from here, so it says so honestly: the state stays "checking",
 * with no server address and no window or clerk.
 */
export function createPreviewBackend(version: string): MemoryBackend {
  const connection = (): ConnectionStatus => ({
    state: 'checking',
    server_url: '',
    last_checked_at: null,
    last_ok_at: null,
    latency_ms: null,
    server_version: null,
    error: null,
  })
  const status = (): AppStatus => ({
    version,
    window_name: null,
    clerk_name: null,
    health_interval_secs: 0,
    connection: connection(),
  })
  const sync = (): SyncStatus => ({
    online: false,
    running: false,
    queued_ops: 0,
    queued_bytes: 0,
    upload: null,
    last_success_at: null,
    last_error: null,
    failures: 0,
    next_attempt_at: null,
    clock_offset_secs: null,
    clock_skewed: false,
    notices: [],
    case_errors: [],
  })
  return new MemoryBackend()
    .handle(Commands.appStatus, status)
    .handle(Commands.checkConnectionNow, connection)
    .handle(Commands.syncStatus, sync)
}
