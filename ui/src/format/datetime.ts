// Display formatting only: the times themselves come from Rust.

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** yyyy-MM-dd HH:mm:ss in the computer's local time zone. */
export function formatDateTime(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  )
}

/** An RFC 3339 timestamp from Rust, shown as local yyyy-MM-dd HH:mm:ss; null when absent or unreadable. */
export function formatTimestamp(rfc3339: string | null | undefined): string | null {
  if (!rfc3339) return null
  const date = new Date(rfc3339)
  return Number.isNaN(date.getTime()) ? rfc3339 : formatDateTime(date)
}
