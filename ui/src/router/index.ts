import type { Component } from 'vue'
import { createRouter, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import AcceptPage from '../pages/AcceptPage.vue'
import CaseDetailPage from '../pages/CaseDetailPage.vue'
import CasesPage from '../pages/CasesPage.vue'
import HomePage from '../pages/HomePage.vue'
import ProxyPage from '../pages/ProxyPage.vue'
import SettingsPage from '../pages/SettingsPage.vue'
import SyncPage from '../pages/SyncPage.vue'
import { DEFAULT_PATH, NAV_ITEMS, type PageName } from './navigation'

const pages: Record<PageName, Component> = {
  home: HomePage,
  accept: AcceptPage,
  cases: CasesPage,
  proxy: ProxyPage,
  sync: SyncPage,
  settings: SettingsPage,
}

export function createAppRouter(history: RouterHistory) {
  const routes: RouteRecordRaw[] = [
    { path: '/', redirect: DEFAULT_PATH },
    ...NAV_ITEMS.map((item) => ({ path: item.path, name: item.name, component: pages[item.name] })),
    { path: '/cases/:caseId', name: 'case', component: CaseDetailPage, props: true },
    { path: '/:unknown(.*)*', redirect: DEFAULT_PATH },
  ]
  return createRouter({ history, routes })
}
