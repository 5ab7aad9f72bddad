import { flushPromises } from '@vue/test-utils'
import type { ApplicantView, CaseView, ItemView } from '../src/api'
import { Commands } from '../src/api'
import { appStatus, backendWith, type mountApp } from './helpers'

// The 受理 page's Rust answers for the specs that drive it: one item (残疾人证新办), one
// applicant, a decided case and its voucher preview.

type Mounted = Awaited<ReturnType<typeof mountApp>>

export const item: ItemView = {
  impl_code: 'I1',
  name: '残疾人证新办',
  department: '示范县残疾人联合会',
  item_type_label: '行政确认',
  case_type_label: '承诺件',
  instant: false,
  conditions: '本县户籍',
  legal_limit_working_days: 20,
  promised_limit_working_days: 10,
  fee_label: '不收费',
  basis: [],
  materials: [
    { id: 'm1', name: '申请表', originals: 1, copies: 0, required: true, electronic_allowed: true, source: '', note: '' },
  ],
  form: [
    { key: 'applicant_name', label: '姓名', field_type: 'text', required: true, max_len: null, options: [], shared: true },
    { key: 'cause', label: '致残原因', field_type: 'select', required: true, max_len: null, options: ['先天', '疾病'], shared: false },
  ],
  proxy_agent_permitted: true,
  waiver_allowed: false,
  consult_phone: '',
  decisions: ['accept', 'supplement', 'reject'],
}

export const applicant: ApplicantView = {
  applicant_id: 'A1',
  kind: 'person',
  name: '李残新',
  id_masked: '110101********1233',
  phone_masked: '138****8000',
  address: null,
  registration_number: 'R-0001',
}

export function caseView(overrides: Partial<CaseView> = {}): CaseView {
  return {
    case_id: 'C1',
    acceptance_number: '99010100012026112800001',
    acceptance_number_grouped: '990101 0001 20261128 00001',
    item_impl_code: 'I1',
    item_name: item.name,
    applicant,
    proxy_name: null,
    status: 'accepted',
    status_label: '已受理（待承办）',
    received_on: '2026-11-28',
    accepted_on: '2026-11-28',
    deadline: null,
    supplement_notice_due: null,
    materials: [],
    timeline: [],
    prints: [],
    synced: false,
    server_status_label: null,
    actions: [],
    vouchers: ['material_receipt', 'acceptance'],
    notice: 'acceptance',
    ...overrides,
  }
}

export function acceptBackend() {
  return backendWith(appStatus())
    .handle(Commands.searchItems, ({ query }) => (String(query).startsWith('cj') || query === '' ? [
      { impl_code: 'I1', name: item.name, department: item.department, case_type_label: '承诺件', promised_limit_working_days: 10 },
    ] : []))
    .handle(Commands.itemView, () => item)
    .handle(Commands.lookupApplicants, ({ text }) => ({ hits: [applicant], read_as: String(text).length >= 15 ? 'id_number' : 'name', text: String(text) }))
    .handle(Commands.prefilledForm, () => ({ applicant_name: '李残新' }))
    .handle(Commands.checkForm, () => [])
    .handle(Commands.submitApplication, () => caseView())
    .handle(Commands.previewVoucher, () => ({
      kind: 'acceptance',
      pages: ['data:image/png;base64,AAAA'],
      reprint_count: 0,
      printer: null,
      job_id: null,
      substituted: [],
    }))
}

/** Item by pinyin initials and Enter, applicant by ID number and Enter. */
export async function chooseItemAndApplicant(m: Mounted): Promise<void> {
  const search = m.wrapper.get('[data-testid="item-search"]')
  await search.setValue('cjrz')
  await flushPromises()
  await search.trigger('keydown', { key: 'Enter' })
  await flushPromises()
  const who = m.wrapper.get('[data-testid="applicant-search"]')
  await who.setValue('110101199003071233')
  await who.trigger('keydown', { key: 'Enter' })
  await flushPromises()
}
