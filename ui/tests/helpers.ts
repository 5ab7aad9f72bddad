// Mounts the real App with an explicit in-memory backend: the same wiring as main.ts,
// only the backend and the router history differ.
import { flushPromises, mount } from '@vue/test-utils'
import { vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import App from '../src/App.vue'
import type { AppStatus, ConnectionStatus, SyncStatus, UserInfo } from '../src/api'
import { Commands, MemoryBackend } from '../src/api'
import { createOnestop } from '../src/setup'

export function connectionStatus(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return {
    state: 'connected',
    server_url: 'https://zwfw.example.gov.cn',
    last_checked_at: '2026-11-28T09:30:05+08:00',
    last_ok_at: '2026-11-28T09:30:05+08:00',
    latency_ms: 42,
    server_version: '0.1.0',
    error: null,
    ...overrides,
  }
}

export function appStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    version: '0.1.0',
    window_name: '综合受理 3 号窗口',
    clerk_name: '王芳',
    health_interval_secs: 30,
    connection: connectionStatus(),
    ...overrides,
  }
}

/** The window clerk the sign-in tests log in as. */
export const clerkUser: UserInfo = {
  user_id: 'u-1',
  username: 'wangfang',
  display_name: '王芳',
  role: { role: 'window_clerk' },
  county_code: '410102',
  department: null,
  window_id: 'win-1',
}

export function syncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    online: true,
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
    ...overrides,
  }
}

/** A backend that answers app_status with `status` and check_connection_now with its connection. */
export function backendWith(status: AppStatus): MemoryBackend {
  return new MemoryBackend()
    .handle(Commands.appStatus, () => status)
    .handle(Commands.checkConnectionNow, () => status.connection)
    .handle(Commands.syncStatus, () => syncStatus())
    .handle(Commands.listPrinters, () => [
      { name: 'OnestopPDF', is_default: true },
      { name: 'HP_LaserJet', is_default: false },
    ])
    .handle(Commands.defaultPrinter, () => 'OnestopPDF')
    .handle(Commands.deviceInfo, () => ({
      device_id: 'dev-1',
      window_name: status.window_name,
      terminal_code: '0012',
      county_code: '990101',
      server_url: status.connection.server_url,
      key_store: 'Secret Service',
      key_fingerprint: '0123456789abcdef',
    }))
}

export async function mountApp(backend: MemoryBackend, path = '/') {
  const onestop = createOnestop({ backend, history: createMemoryHistory() })
  await onestop.router.push(path)
  await onestop.router.isReady()
  const wrapper = mount(App, { global: { plugins: [onestop.plugin] }, attachTo: document.body })
  await settle()
  return { wrapper, ...onestop }
}

/**
 * Lets the screens that load on demand (ElementScope, 登记本机, the pages) arrive and render:
 * each is a dynamic import, which may take more than one turn of the event loop.
 */
export async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await flushPromises()
    await vi.dynamicImportSettled()
  }
  await flushPromises()
}
