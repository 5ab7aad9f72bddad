import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Commands, Events } from '../src/api'
import { appStatus, backendWith, mountApp, syncStatus } from './helpers'

type Mounted = Awaited<ReturnType<typeof mountApp>>
let mounted: Mounted | null = null

beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.wrapper.unmount()
  mounted = null
  document.body.innerHTML = ''
})

describe('同步 status', () => {
  it('shows queue, clock warning and per-case errors, live from the sync-status event', async () => {
    const backend = backendWith(appStatus())
    mounted = await mountApp(backend, '/sync')
    expect(mounted.wrapper.get('[data-testid="sync-queued"]').text()).toBe('待上传 0 条')

    backend.emit(
      Events.syncStatus,
      syncStatus({
        online: false,
        queued_ops: 3,
        queued_bytes: 2048,
        clock_offset_secs: 420,
        clock_skewed: true,
        case_errors: [
          {
            case_id: 'case-9',
            acceptance_number: '4101020203202611280009',
            acceptance_number_grouped: '410102-0203-20261128-0009',
            seq: 9,
            error: { code: 'sync.rejected', message: '事项版本已停用', details: null },
          },
        ],
      }),
    )
    await flushPromises()
    const page = mounted.wrapper.get('[data-testid="page-sync"]')
    expect(mounted.wrapper.get('[data-testid="sync-queued"]').text()).toBe('待上传 3 条')
    expect(page.get('[data-testid="sync-queued-detail"]').text()).toBe('3 条，2.0 KB')
    expect(page.get('[data-testid="sync-online"]').attributes('data-online')).toBe('no')
    expect(page.get('[data-testid="sync-clock-skew"]').text()).toContain('相差 420 秒')
    // The number as the voucher prints it, in groups.
    expect(page.get('[data-testid="sync-case-errors"]').text()).toContain('410102-0203-20261128-0009')
    expect(page.get('[data-testid="sync-case-errors"]').text()).toContain('事项版本已停用')
  })

  it('lists recent notices and pops up only the lines that are new', async () => {
    const backend = backendWith(appStatus()).handle(Commands.syncStatus, () => syncStatus({ notices: ['旧消息'] }))
    mounted = await mountApp(backend, '/sync')
    await flushPromises()
    expect(document.querySelector('.el-notification')).toBeNull()

    backend.emit(Events.syncStatus, syncStatus({ notices: ['办件 0001 结果可领取', '旧消息'] }))
    await flushPromises()
    const list = mounted.wrapper.get('[data-testid="sync-notices"]').findAll('li').map((li) => li.text())
    expect(list).toEqual(['办件 0001 结果可领取', '旧消息'])
    const popups = [...document.querySelectorAll('.el-notification')].map((n) => n.textContent ?? '')
    expect(popups).toHaveLength(1)
    expect(popups[0]).toContain('办件 0001 结果可领取')
  })

  it('重试 and 立即同步 call Rust', async () => {
    const backend = backendWith(appStatus())
      .handle(Commands.syncStatus, () =>
        syncStatus({
          case_errors: [{ case_id: 'case-9', acceptance_number: null, acceptance_number_grouped: null, seq: 9, error: { code: 'x', message: '退回', details: null } }],
        }),
      )
      .handle(Commands.retryCaseSync, () => undefined)
      .handle(Commands.syncNow, () => undefined)
    mounted = await mountApp(backend, '/sync')
    await mounted.wrapper.get('[data-testid="retry-case-9"]').trigger('click')
    await mounted.wrapper.get('[data-testid="sync-now"]').trigger('click')
    await flushPromises()
    expect(backend.calls.find((c) => c.command === 'retry_case_sync')?.args).toEqual({ caseId: 'case-9' })
    expect(backend.calls.some((c) => c.command === 'sync_now')).toBe(true)
  })

  it('立即同步 shows why Rust refused', async () => {
    const backend = backendWith(appStatus()).handle(Commands.syncNow, () =>
      Promise.reject({ code: 'sync.not_signed_in', message: '请先登录', details: null }),
    )
    mounted = await mountApp(backend, '/sync')
    await mounted.wrapper.get('[data-testid="sync-now"]').trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('无法同步：请先登录')
  })
})
