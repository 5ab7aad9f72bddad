// Display formatting only: the times themselves come from Rust.

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * China Standard Time, UTC+8 all year: the display side of `onestop_domain::calendar::china_time`,
 * in which Rust counts the window's day, the deadlines and the printed voucher's times. The
 * screens show the same wall time even on a PC whose time zone is set wrong (an old shared PC
 * left on UTC showed the clock at 16:09 and 今日概况 already on the next day).
 */
const CHINA_STANDARD_TIME_MS = 8 * 60 * 60 * 1000

/** yyyy-MM-dd HH:mm:ss in China Standard Time, whatever the computer's time zone. */
export function formatDateTime(date: Date): string {
  const cst = new Date(date.getTime() + CHINA_STANDARD_TIME_MS)
  return (
    `${cst.getUTCFullYear()}-${pad(cst.getUTCMonth() + 1)}-${pad(cst.getUTCDate())} ` +
    `${pad(cst.getUTCHours())}:${pad(cst.getUTCMinutes())}:${pad(cst.getUTCSeconds())}`
  )
}

/** An RFC 3339 timestamp from Rust, shown as yyyy-MM-dd HH:mm:ss China time; null when absent or unreadable. */
export function formatTimestamp(rfc3339: string | null | undefined): string | null {
  if (!rfc3339) return null
  const date = new Date(rfc3339)
  return Number.isNaN(date.getTime()) ? rfc3339 : formatDateTime(date)
}
