// 简体中文：界面的全部文字。en.ts 必须有完全相同的键（tests/locales.spec.ts 检查）。
const zhCN = {
  app: {
    name: '一站通',
    subtitle: '政务服务窗口',
  },
  common: {
    none: '—',
  },
  topBar: {
    window: '窗口',
    clerk: '经办人',
    unregistered: '未注册窗口',
    notLoggedIn: '未登录',
    clock: '当前时间',
  },
  nav: {
    label: '主导航',
    accept: '受理',
    cases: '办件',
    proxy: '代办',
    sync: '同步',
    settings: '设置',
    shortcut: '快捷键 {key}',
  },
  connection: {
    checking: '检查中',
    connected: '已连接',
    offline: '离线',
  },
  statusBar: {
    label: '状态栏',
    version: '版本',
    server: '服务器',
    serverUnset: '未设置',
    connection: '连接',
    preview: '浏览器预览（未接入桌面程序）',
  },
  pending: {
    title: '尚未开通：请先完成本机注册',
    description: '「{feature}」将随窗口注册与登录一同开通。',
  },
  sync: {
    title: '同步',
    connectionSection: '服务器连接',
    state: '连接状态',
    serverUrl: '服务器地址',
    lastChecked: '最近检测',
    lastOk: '最近成功',
    never: '从未',
    latency: '延迟',
    latencyValue: '{ms} 毫秒',
    serverVersion: '服务器版本',
    errorCode: '错误代码',
    errorMessage: '错误信息',
    interval: '自动检测',
    intervalValue: '每 {secs} 秒一次（由桌面程序执行）',
    checkNow: '立即检测',
    checkDone: '检测完成：{state}',
    checkFailed: '检测失败：{message}',
    loadFailed: '无法读取程序状态：{message}',
  },
  settings: {
    title: '设置',
    serverSection: '服务器',
    serverUrl: '服务器地址',
    serverUrlHint: '服务器地址在本机注册时设定，暂不能在此修改。',
    displaySection: '显示',
    language: '界面语言',
    languageZh: '中文',
    languageEn: 'English',
    fontSize: '字号',
    fontSizeStandard: '标准',
    fontSizeLarge: '大',
    fontSizeXlarge: '特大',
    fontSizeHint: '放大全部界面文字，选择立即生效并保存在本机。',
    aboutSection: '关于',
    version: '程序版本',
  },
}

export type MessageSchema = typeof zhCN

export default zhCN
