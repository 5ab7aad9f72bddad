import { createRouter, type RouteComponent, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import { DEFAULT_PATH, NAV_ITEMS, START_PATH, type PageName } from './navigation'

// Pages load on first visit: the launch screen is the login (App.vue), and the router starts on
// an empty route, so no page's code stands between start-up and an interactive login.
const pages: Record<PageName, () => Promise<RouteComponent>> = {
  home: () => import('../pages/HomePage.vue'),
  accept: () => import('../pages/AcceptPage.vue'),
  cases: () => import('../pages/CasesPage.vue'),
  proxy: () => import('../pages/ProxyPage.vue'),
  sync: () => import('../pages/SyncPage.vue'),
  settings: () => import('../pages/SettingsPage.vue'),
}

export function createAppRouter(history: RouterHistory) {
  const routes: RouteRecordRaw[] = [
    { path: START_PATH, component: { name: 'StartRoute', render: () => null } },
    ...NAV_ITEMS.map((item) => ({ path: item.path, name: item.name, component: pages[item.name] })),
    { path: '/cases/:caseId', name: 'case', component: () => import('../pages/CaseDetailPage.vue'), props: true },
    { path: '/:unknown(.*)*', redirect: DEFAULT_PATH },
  ]
  return createRouter({ history, routes })
}
