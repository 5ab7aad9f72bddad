import type { Backend, Unlisten } from './backend'
import type {
  AppStatus,
  ApplicantLookup,
  ApplicantView,
  ApplicationForm,
  CaseFilter,
  CaseRow,
  CaseView,
  ConnectionStatus,
  Decision,
  DeviceInfo,
  EnrollResponse,
  FieldError,
  ForwardedCase,
  ForwardedCaseDetail,
  ForwardedDecision,
  HomeSummary,
  IdCheck,
  ItemHit,
  ItemView,
  MaterialInput,
  NewApplicantForm,
  Printer,
  ProxyPower,
  ScanInput,
  SessionInfo,
  StatusChoice,
  SupplementLine,
  SyncStatus,
  VoucherOutcome,
} from './bindings'
import { toClientError } from './errors'

export { ClientError, asClientError } from './errors'
export type { Backend, Unlisten } from './backend'

/** Names of the Rust commands and events, as src-tauri registers them. */
export const Commands = {
  appStatus: 'app_status',
  checkConnectionNow: 'check_connection_now',
  enrol: 'enrol',
  login: 'login',
  syncStatus: 'sync_status',
  syncNow: 'sync_now',
  retryCaseSync: 'retry_case_sync',
  listPrinters: 'list_printers',
  defaultPrinter: 'default_printer',
  setDefaultPrinter: 'set_default_printer',
  logout: 'logout',
  sessionInfo: 'session_info',
  homeSummary: 'home_summary',
  searchItems: 'search_items',
  itemView: 'item_view',
  checkId: 'check_id',
  lookupApplicants: 'lookup_applicants',
  registerApplicant: 'register_applicant',
  prefilledForm: 'prefilled_form',
  checkForm: 'check_form',
  submitApplication: 'submit_application',
  supplementAndAccept: 'supplement_and_accept',
  deliverResult: 'deliver_result',
  withdrawCase: 'withdraw_case',
  proxyPowers: 'proxy_powers',
  forwardedCases: 'forwarded_cases',
  forwardedCaseDetail: 'forwarded_case_detail',
  decideForwarded: 'decide_forwarded',
  statusChoices: 'status_choices',
  pickScanFile: 'pick_scan_file',
  shortMaterials: 'short_materials',
  caseView: 'case_view',
  listCases: 'list_cases',
  previewVoucher: 'preview_voucher',
  printVoucher: 'print_voucher',
  deviceInfo: 'device_info',
} as const

/** Codes Rust answers with when nobody is signed in (any more): the app shows the login. */
export const SESSION_LOST_CODES: readonly string[] = ['auth.not_signed_in', 'auth.session_expired']

export const Events = {
  connectionChanged: 'connection-changed',
  syncStatus: 'sync-status',
  /** Files dropped on the window; Tauri's own drag-and-drop (the webview never sees the paths). */
  fileDrop: 'tauri://drag-drop',
} as const

/** The payload of `tauri://drag-drop`: whole paths, and where they were dropped (physical px). */
export interface FileDrop {
  paths: string[]
  position: { x: number; y: number }
}

/**
 * The typed client: the only way the UI talks to Rust. Every command goes through `call`,
 * which turns any rejection into a ClientError.
 */
export class Client {
  constructor(readonly backend: Backend) {}

  /** Version, window, clerk and the current connection status. */
  appStatus(): Promise<AppStatus> {
    return this.call<AppStatus>(Commands.appStatus)
  }

  /** Asks Rust to check the server now; resolves with the fresh status (also emitted as an event). */
  checkConnectionNow(): Promise<ConnectionStatus> {
    return this.call<ConnectionStatus>(Commands.checkConnectionNow)
  }

  /** Calls `handler` each time Rust reports a new connection status. */
  onConnectionChanged(handler: (status: ConnectionStatus) => void): Promise<Unlisten> {
    return this.backend.listen<ConnectionStatus>(Events.connectionChanged, handler)
  }

  /** 登记本机 with the one-time code an administrator issued. */
  enrol(serverUrl: string, code: string): Promise<EnrollResponse> {
    return this.call<EnrollResponse>(Commands.enrol, { serverUrl, code })
  }

  /** Signs the clerk in: online, or offline against the cached verifier when the server is away. */
  login(username: string, password: string): Promise<SessionInfo> {
    return this.call<SessionInfo>(Commands.login, { username, password })
  }

  logout(): Promise<void> {
    return this.call<void>(Commands.logout)
  }

  sessionInfo(): Promise<SessionInfo | null> {
    return this.call<SessionInfo | null>(Commands.sessionInfo)
  }

  homeSummary(): Promise<HomeSummary> {
    return this.call<HomeSummary>(Commands.homeSummary)
  }

  /** The item picker: name, code or pinyin initials. */
  searchItems(query: string): Promise<ItemHit[]> {
    return this.call<ItemHit[]>(Commands.searchItems, { query })
  }

  itemView(implCode: string): Promise<ItemView> {
    return this.call<ItemView>(Commands.itemView, { implCode })
  }

  /** The live ID-number check, with the domain's message. */
  checkId(input: string): Promise<IdCheck> {
    return this.call<IdCheck>(Commands.checkId, { input })
  }

  /** Finds applicants by ID number, phone or name. */
  lookupApplicants(text: string): Promise<ApplicantLookup> {
    return this.call<ApplicantLookup>(Commands.lookupApplicants, { text })
  }

  registerApplicant(input: NewApplicantForm): Promise<ApplicantView> {
    return this.call<ApplicantView>(Commands.registerApplicant, { input })
  }

  prefilledForm(applicantId: string, implCode: string): Promise<Record<string, unknown>> {
    return this.call<Record<string, unknown>>(Commands.prefilledForm, { applicantId, implCode })
  }

  /** Every error of the form at once. */
  checkForm(applicantId: string, implCode: string, form: Record<string, unknown>): Promise<FieldError[]> {
    return this.call<FieldError[]>(Commands.checkForm, { applicantId, implCode, form })
  }

  submitApplication(application: ApplicationForm, decision: Decision): Promise<CaseView> {
    return this.call<CaseView>(Commands.submitApplication, { application, decision })
  }

  /** The lines a 一次性告知 starts from: each short material with what is wrong, in Chinese. */
  shortMaterials(implCode: string, materials: MaterialInput[]): Promise<SupplementLine[]> {
    return this.call<SupplementLine[]>(Commands.shortMaterials, { implCode, materials })
  }

  /** The native file picker; null when the clerk cancels. */
  pickScanFile(): Promise<string | null> {
    return this.call<string | null>(Commands.pickScanFile)
  }

  onFileDrop(handler: (drop: FileDrop) => void): Promise<Unlisten> {
    return this.backend.listen<FileDrop>(Events.fileDrop, handler)
  }

  statusChoices(): Promise<StatusChoice[]> {
    return this.call<StatusChoice[]>(Commands.statusChoices)
  }

  deliverResult(caseId: string): Promise<CaseView> {
    return this.call<CaseView>(Commands.deliverResult, { caseId })
  }

  /** The powers a 委托书 may grant; the Chinese text is what is stored and printed. */
  proxyPowers(): Promise<ProxyPower[]> {
    return this.call<ProxyPower[]>(Commands.proxyPowers)
  }

  /** 撤回申请 with the applicant's reason: at the window before acceptance, on the server after. */
  withdrawCase(caseId: string, reason: string): Promise<CaseView> {
    return this.call<CaseView>(Commands.withdrawCase, { caseId, reason })
  }

  /** The cases this window's village 代办点 forwarded, waiting for 受理 here (online only). */
  forwardedCases(): Promise<ForwardedCase[]> {
    return this.call<ForwardedCase[]>(Commands.forwardedCases)
  }

  forwardedCaseDetail(caseId: string): Promise<ForwardedCaseDetail> {
    return this.call<ForwardedCaseDetail>(Commands.forwardedCaseDetail, { caseId })
  }

  decideForwarded(decision: ForwardedDecision): Promise<ForwardedCase[]> {
    return this.call<ForwardedCase[]>(Commands.decideForwarded, { decision })
  }

  supplementAndAccept(caseId: string, materials: MaterialInput[], scans: ScanInput[]): Promise<CaseView> {
    return this.call<CaseView>(Commands.supplementAndAccept, { caseId, materials, scans })
  }

  caseView(caseId: string): Promise<CaseView> {
    return this.call<CaseView>(Commands.caseView, { caseId })
  }

  listCases(filter: CaseFilter): Promise<CaseRow[]> {
    return this.call<CaseRow[]>(Commands.listCases, { filter })
  }

  previewVoucher(caseId: string, kind: string, substituteMissing = false): Promise<VoucherOutcome> {
    return this.call<VoucherOutcome>(Commands.previewVoucher, { caseId, kind, substituteMissing })
  }

  printVoucher(caseId: string, kind: string, substituteMissing = false): Promise<VoucherOutcome> {
    return this.call<VoucherOutcome>(Commands.printVoucher, { caseId, kind, substituteMissing })
  }

  /** 本机信息: device id, terminal, key store and key fingerprint. */
  deviceInfo(): Promise<DeviceInfo> {
    return this.call<DeviceInfo>(Commands.deviceInfo)
  }

  /** Called when Rust says the session is gone (idle timeout, never signed in). */
  onSessionLost: (() => void) | null = null

  syncStatus(): Promise<SyncStatus> {
    return this.call<SyncStatus>(Commands.syncStatus)
  }

  /** 立即同步. */
  syncNow(): Promise<void> {
    return this.call<void>(Commands.syncNow)
  }

  /** 重试 on a case the server rejected. */
  retryCaseSync(caseId: string): Promise<void> {
    return this.call<void>(Commands.retryCaseSync, { caseId })
  }

  listPrinters(): Promise<Printer[]> {
    return this.call<Printer[]>(Commands.listPrinters)
  }

  defaultPrinter(): Promise<string | null> {
    return this.call<string | null>(Commands.defaultPrinter)
  }

  setDefaultPrinter(name: string): Promise<void> {
    return this.call<void>(Commands.setDefaultPrinter, { name })
  }

  /** Calls `handler` each time Rust reports a new sync status. */
  onSyncStatus(handler: (status: SyncStatus) => void): Promise<Unlisten> {
    return this.backend.listen<SyncStatus>(Events.syncStatus, handler)
  }

  /** Stops every event subscription of this page (before it reloads: fresh-page.ts). */
  stopListening(): Promise<void> {
    return this.backend.unlistenAll()
  }

  private async call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    try {
      return await this.backend.invoke<T>(command, args)
    } catch (error) {
      const e = toClientError(error, command)
      if (SESSION_LOST_CODES.includes(e.code)) this.onSessionLost?.()
      throw e
    }
  }
}
