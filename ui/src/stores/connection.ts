import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import {
  asClientError,
  useClient,
  type AppStatus,
  type ClientError,
  type ConnectionState,
  type ConnectionStatus,
  type Unlisten,
} from '../api'
import { readEnrolledHint, writeEnrolledHint } from './enrolled-hint'

/**
 * What Rust last told us about this window and its server connection. Filled by one `app_status`
 * call at start, then kept current by the `connection-changed` event. The webview never polls.
 */
export const useConnectionStore = defineStore('connection', () => {
  const client = useClient()

  const app = shallowRef<AppStatus | null>(null)
  const connection = shallowRef<ConnectionStatus | null>(null)
  /** Why the start-up call failed, if it did (shown on the 同步 page). */
  const loadError = shallowRef<ClientError | null>(null)
  /** True while a manual "check now" is running. */
  const checkingNow = ref(false)
  /** The last start found this PC enrolled: App.vue shows the login before `app_status` answers. */
  const enrolledHint = readEnrolledHint()
  /** A sign-in that finished before `app_status` answered (login shown from the hint): newer than that answer. */
  let signedInEarly: string | null = null

  /** Until Rust has answered, the honest state is "checking". */
  const state = computed<ConnectionState>(() => connection.value?.state ?? 'checking')
  const serverUrl = computed(() => connection.value?.server_url ?? '')

  let unlisten: Unlisten | null = null
  let started: Promise<void> | null = null

  /**
   * Subscribes to `connection-changed`, then asks `app_status` once. The subscription is made first
   * so no change is lost in between; an event that arrives while the call is in flight is newer than
   * the call's snapshot, so it wins.
   */
  function start(): Promise<void> {
    started ??= (async () => {
      let sawEvent = false
      unlisten = await client.onConnectionChanged((status) => {
        sawEvent = true
        connection.value = status
      })
      try {
        const status = await client.appStatus()
        app.value = signedInEarly ? { ...status, clerk_name: signedInEarly } : status
        writeEnrolledHint(Boolean(status.window_name))
        if (!sawEvent) connection.value = status.connection
        loadError.value = null
      } catch (error) {
        loadError.value = asClientError(error)
      }
    })()
    return started
  }

  /** Stops listening (app unmount, tests). */
  function stop(): void {
    unlisten?.()
    unlisten = null
    started = null
  }

  /** The 同步 page's "立即检测". Throws ClientError for the page to show. */
  async function checkNow(): Promise<ConnectionStatus> {
    checkingNow.value = true
    try {
      const status = await client.checkConnectionNow()
      connection.value = status
      return status
    } finally {
      checkingNow.value = false
    }
  }

  /** Rust answered `enrol`: this PC is now the window it named. */
  function setWindowName(name: string): void {
    if (app.value) app.value = { ...app.value, window_name: name }
    writeEnrolledHint(true)
  }

  /** Rust answered `login`: the clerk it named is signed in. */
  /** `null` after sign-out or when Rust reports the session gone: the login page shows again. */
  function setClerkName(name: string | null): void {
    if (app.value) app.value = { ...app.value, clerk_name: name }
    else if (name) signedInEarly = name
  }

  return { app, connection, loadError, checkingNow, enrolledHint, state, serverUrl, start, stop, checkNow, setWindowName, setClerkName }
})
