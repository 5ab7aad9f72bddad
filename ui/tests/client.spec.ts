import { describe, expect, it } from 'vitest'
import { Client, ClientError, Commands, Events, MemoryBackend, createPreviewBackend } from '../src/api'
import type { ApiError, ConnectionStatus } from '../src/api'
import { IPC_FAILED } from '../src/api/errors'
import { appStatus, connectionStatus } from './helpers'

describe('Client', () => {
  it('returns what app_status answers, calling it with no arguments', async () => {
    const status = appStatus({ window_name: '政务服务中心 3 号窗口' })
    const backend = new MemoryBackend().handle(Commands.appStatus, () => status)
    await expect(new Client(backend).appStatus()).resolves.toEqual(status)
    expect(backend.calls).toEqual([{ command: 'app_status', args: {} }])
  })

  it('wraps an ApiError from Rust into a ClientError carrying code, message and details', async () => {
    const apiError: ApiError = {
      code: 'sync.server_unreachable',
      message: '无法连接服务器',
      details: { url: 'https://zwfw.example.gov.cn' },
    }
    const backend = new MemoryBackend().handle(Commands.checkConnectionNow, () => Promise.reject(apiError))
    const error = await new Client(backend).checkConnectionNow().catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ClientError)
    expect(error).toBeInstanceOf(Error)
    const clientError = error as ClientError
    expect(clientError.code).toBe('sync.server_unreachable')
    expect(clientError.message).toBe('无法连接服务器')
    expect(clientError.details).toEqual({ url: 'https://zwfw.example.gov.cn' })
    expect(clientError.toApiError()).toEqual(apiError)
  })

  it('wraps a failure that is not an ApiError under a client code', async () => {
    const backend = new MemoryBackend().handle(Commands.appStatus, () => {
      throw new Error('IPC channel closed')
    })
    const error = (await new Client(backend).appStatus().catch((e: unknown) => e)) as ClientError
    expect(error).toBeInstanceOf(ClientError)
    expect(error.code).toBe(IPC_FAILED)
    expect(error.message).toContain('IPC channel closed')
  })

  it('reports an unknown command as a ClientError too', async () => {
    const error = (await new Client(new MemoryBackend()).appStatus().catch((e: unknown) => e)) as ClientError
    expect(error).toBeInstanceOf(ClientError)
    expect(error.code).toBe('client.unknown_command')
  })

  it('delivers connection-changed payloads until unlistened', async () => {
    const backend = new MemoryBackend()
    const seen: ConnectionStatus[] = []
    const unlisten = await new Client(backend).onConnectionChanged((s) => seen.push(s))

    backend.emit(Events.connectionChanged, connectionStatus({ state: 'offline' }))
    unlisten()
    backend.emit(Events.connectionChanged, connectionStatus({ state: 'connected' }))

    expect(seen.map((s) => s.state)).toEqual(['offline'])
  })

  it('the browser preview honestly reports "checking" with no server', async () => {
    const client = new Client(createPreviewBackend('9.9.9'))
    const status = await client.appStatus()
    expect(status.version).toBe('9.9.9')
    expect(status.connection.state).toBe('checking')
    expect(status.connection.server_url).toBe('')
    expect(status.window_name).toBeNull()
    expect((await client.checkConnectionNow()).state).toBe('checking')
  })
})
