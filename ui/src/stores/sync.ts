import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import { asClientError, useClient, type ClientError, type SyncStatus, type Unlisten } from '../api'
import { freshStart } from './fresh-page'

/**
 * The live sync status Rust reports: one `sync_status` call at start, then the `sync-status` event.
 * Counts arrive as JSON numbers and are typed as such (see crates/sync/src/status.rs).
 */
export const useSyncStore = defineStore('sync', () => {
  const client = useClient()
  const status = shallowRef<SyncStatus | null>(null)
  const loadError = shallowRef<ClientError | null>(null)

  const queuedOps = computed(() => status.value?.queued_ops ?? 0)
  const queuedBytes = computed(() => status.value?.queued_bytes ?? 0)

  /**
   * Lines the clerk has not been told about yet. Rust keeps the recent lines newest first; the
   * ones present at a launch are history, not news. After the window's own reload between
   * citizens (fresh-page.ts) the old page's lines are the history, so none is lost in between.
   */
  const fresh = shallowRef<string[]>([])
  const carried = freshStart().knownNotices
  let known: Set<string> | null = carried ? new Set(carried) : null
  function noteNotices(next: SyncStatus): void {
    if (known === null) {
      known = new Set(next.notices)
      return
    }
    const added = next.notices.filter((line) => !known!.has(line))
    known = new Set(next.notices)
    if (added.length > 0) fresh.value = added
  }

  let unlisten: Unlisten | null = null
  let started: Promise<void> | null = null

  function start(): Promise<void> {
    started ??= (async () => {
      let sawEvent = false
      unlisten = await client.onSyncStatus((next) => {
        sawEvent = true
        status.value = next
        noteNotices(next)
      })
      try {
        const first = await client.syncStatus()
        if (!sawEvent) {
          status.value = first
          noteNotices(first)
        }
        loadError.value = null
      } catch (error) {
        loadError.value = asClientError(error)
      }
    })()
    return started
  }

  function stop(): void {
    unlisten?.()
    unlisten = null
    started = null
    known = null
  }

  /** The lines already told, for the next page after a reload; null before the first status. */
  function knownNotices(): string[] | null {
    return known ? [...known] : null
  }

  return { status, loadError, queuedOps, queuedBytes, fresh, knownNotices, start, stop }
})
