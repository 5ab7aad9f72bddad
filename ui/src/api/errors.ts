import type { ApiError } from './bindings'

/**
 * The one error type the UI sees from the backend. Pages show `message` (Chinese text for the clerk);
 * programs switch on `code` (a stable string such as `sync.server_unreachable`).
 */
export class ClientError extends Error {
  readonly code: string
  readonly details: unknown

  constructor(code: string, message: string, details: unknown = null, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ClientError'
    this.code = code
    this.details = details
  }

  toApiError(): ApiError {
    return { code: this.code, message: this.message, details: this.details }
  }
}

/** Code for a failure that did not come back as an ApiError (the IPC layer itself failed). */
export const IPC_FAILED = 'client.ipc_failed'

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'string' && typeof v.message === 'string'
}

/**
 * What a screen caught, as a ClientError: the client already rejects with one, so anything else
 * is a bug in the page itself (`client.unexpected`).
 */
export function asClientError(error: unknown): ClientError {
  return error instanceof ClientError ? error : new ClientError('client.unexpected', String(error))
}

/** Turns anything a command rejected with into a ClientError. The only place this happens. */
export function toClientError(error: unknown, command: string): ClientError {
  if (error instanceof ClientError) return error
  if (isApiError(error)) {
    return new ClientError(error.code, error.message, error.details ?? null, { cause: error })
  }
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error)
  return new ClientError(IPC_FAILED, `调用 ${command} 失败：${text}`, { command }, { cause: error })
}
