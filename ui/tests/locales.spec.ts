import { describe, expect, it } from 'vitest'
import en from '../src/locales/en'
import zhCN from '../src/locales/zh-CN'

/** Every leaf key of a nested message object, as dotted paths. */
function keys(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

function leaves(messages: object): string[] {
  return Object.values(messages).flatMap((value) =>
    typeof value === 'object' && value !== null ? leaves(value as object) : [value as string],
  )
}

describe('locales', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  it('have no empty strings', () => {
    for (const text of [...leaves(zhCN), ...leaves(en)]) expect(text.trim()).not.toBe('')
  })

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    const zhKeys = keys(zhCN)
    const zhLeaves = leaves(zhCN)
    const enByKey = new Map(keys(en).map((k, i) => [k, leaves(en)[i]!]))
    zhKeys.forEach((key, i) => {
      expect(placeholders(enByKey.get(key) ?? ''), key).toEqual(placeholders(zhLeaves[i]!))
    })
  })

  it('carry the exact connection labels the end-to-end test reads', () => {
    expect(zhCN.connection).toEqual({ checking: '检查中', connected: '已连接', offline: '离线' })
    expect(en.connection).toEqual({ checking: 'Checking', connected: 'Connected', offline: 'Offline' })
  })
})
