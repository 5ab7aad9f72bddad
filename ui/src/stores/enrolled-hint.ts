/**
 * Whether `app_status` said, on an earlier start, that this PC is enrolled. Only the flag: no
 * window name and nothing about a person. With it the login screen shows before Rust answers;
 * the answer still decides (and sends the window to 登记本机 if the enrolment is gone).
 */
export const ENROLLED_HINT_KEY = 'onestop.enrolled'

export function readEnrolledHint(): boolean {
  try {
    return globalThis.localStorage?.getItem(ENROLLED_HINT_KEY) === '1'
  } catch {
    return false // storage disabled: every start waits for Rust, as before
  }
}

export function writeEnrolledHint(enrolled: boolean): void {
  try {
    if (enrolled) globalThis.localStorage?.setItem(ENROLLED_HINT_KEY, '1')
    else globalThis.localStorage?.removeItem(ENROLLED_HINT_KEY)
  } catch {
    // quota or disabled storage: the next start simply waits for Rust
  }
}
