/**
 * A fresh page every so many citizens. WebKit's web process keeps some memory of every
 * acceptance (typing undo steps into fields that are gone, allocator pages it does not return),
 * and a single-page app never reloads, so a window open all day would grow all day. Between two
 * citizens, when the last case is decided and saved in Rust, the 受理 page loads itself again:
 * the session, the queue and every case live in Rust, so nothing is lost, and the clerk sees
 * the empty 受理 page a moment later than otherwise (measured in docs/benchmarks.md).
 */
export const FRESH_PAGE_EVERY = 10

/** Set just before the reload: the next start is this window's own reload, not a launch. */
const RELOAD_FLAG = 'onestop.freshPage'
/** The sync notices the old page had already shown, so the new one does not call them history. */
const KNOWN_NOTICES = 'onestop.knownNotices'

let decided = 0

/** One more case decided (and stored by Rust) on this page. */
export function countDecidedCase(): void {
  decided += 1
}

/** Whether the page has served enough citizens to be worth loading again. */
export function freshPageDue(): boolean {
  return decided >= FRESH_PAGE_EVERY
}

function session(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

let reload: () => void = () => location.reload()
const UNLISTEN_WAIT_MS = 1000

/**
 * Loads the page again on the route it is on (the hash keeps 受理 or 代办), once Rust has let go
 * of this page's event listeners (it would otherwise keep them, and name them in every event,
 * all day). Without session storage the reload still happens; the next start then shows the
 * login hint for a moment, as a launch would.
 */
export async function loadFreshPage(knownNotices: readonly string[] | null, stopListening: () => Promise<void>): Promise<void> {
  const store = session()
  try {
    store?.setItem(RELOAD_FLAG, '1')
    if (knownNotices) store?.setItem(KNOWN_NOTICES, JSON.stringify(knownNotices))
  } catch {
    // quota: the reload still frees the memory
  }
  // A clerk pressing 下一件 must never wait on IPC that does not answer: a second at most.
  await Promise.race([stopListening().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, UNLISTEN_WAIT_MS))])
  reload()
}

export interface FreshStart {
  /** This start is the window's own reload between citizens: someone is signed in. */
  reloaded: boolean
  /** The notices already shown before the reload, or null on a launch. */
  knownNotices: string[] | null
}

let start: FreshStart | null = null

/** What the last page left for this start; read once, then cleared, so a launch is a launch. */
export function freshStart(): FreshStart {
  if (start) return start
  const store = session()
  let reloaded = false
  let knownNotices: string[] | null = null
  try {
    reloaded = store?.getItem(RELOAD_FLAG) === '1'
    const raw = store?.getItem(KNOWN_NOTICES)
    store?.removeItem(RELOAD_FLAG)
    store?.removeItem(KNOWN_NOTICES)
    if (reloaded && raw) {
      const parsed: unknown = JSON.parse(raw)
      if (Array.isArray(parsed)) knownNotices = parsed.filter((line): line is string => typeof line === 'string')
    }
  } catch {
    // unreadable storage: treat it as a launch
  }
  start = { reloaded, knownNotices }
  return start
}

/** Tests only: forget the count and the start, as a new page would; jsdom cannot reload. */
export function resetFreshPageForTests(reloadInstead: () => void): void {
  decided = 0
  start = null
  reload = reloadInstead
}
