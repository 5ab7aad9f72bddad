// English: every string of the UI. Must have exactly the keys of zh-CN.ts (checked by tests/locales.spec.ts).
import type { MessageSchema } from './zh-CN'

const en: MessageSchema = {
  app: {
    name: 'Onestop',
    subtitle: 'Government Service Window',
  },
  common: {
    none: '—',
  },
  topBar: {
    window: 'Window',
    clerk: 'Clerk',
    unregistered: 'Unregistered window',
    notLoggedIn: 'Not logged in',
    clock: 'Current time',
  },
  nav: {
    label: 'Main navigation',
    accept: 'Accept',
    cases: 'Cases',
    proxy: 'Proxy',
    sync: 'Sync',
    settings: 'Settings',
    shortcut: 'Shortcut {key}',
  },
  connection: {
    checking: 'Checking',
    connected: 'Connected',
    offline: 'Offline',
  },
  statusBar: {
    label: 'Status bar',
    version: 'Version',
    server: 'Server',
    serverUnset: 'Not set',
    connection: 'Connection',
    preview: 'Browser preview (not inside the desktop app)',
  },
  pending: {
    title: 'Not available yet: register this computer first',
    description: '“{feature}” arrives with window registration and login.',
  },
  sync: {
    title: 'Sync',
    connectionSection: 'Server connection',
    state: 'State',
    serverUrl: 'Server address',
    lastChecked: 'Last check',
    lastOk: 'Last success',
    never: 'Never',
    latency: 'Latency',
    latencyValue: '{ms} ms',
    serverVersion: 'Server version',
    errorCode: 'Error code',
    errorMessage: 'Error message',
    interval: 'Automatic check',
    intervalValue: 'Every {secs} s (run by the desktop app)',
    checkNow: 'Check now',
    checkDone: 'Check finished: {state}',
    checkFailed: 'Check failed: {message}',
    loadFailed: 'Cannot read the app status: {message}',
  },
  settings: {
    title: 'Settings',
    serverSection: 'Server',
    serverUrl: 'Server address',
    serverUrlHint: 'The server address is set when this computer is registered; it cannot be changed here yet.',
    displaySection: 'Display',
    language: 'Language',
    languageZh: '中文',
    languageEn: 'English',
    fontSize: 'Font size',
    fontSizeStandard: 'Standard',
    fontSizeLarge: 'Large',
    fontSizeXlarge: 'Extra large',
    fontSizeHint: 'Enlarges all text; applies at once and is saved on this computer.',
    aboutSection: 'About',
    version: 'App version',
  },
}

export default en
