/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { readFileSync } from 'node:fs'
import components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

// Tauri embeds ui/dist and serves it from its own protocol, so every asset path is relative
// and nothing is fetched from the network: the app runs offline.
export default defineConfig(({ mode }) => ({
  base: './',
  plugins: [
    // No component here or in Element Plus's used ones is written with the Options API.
    vue({ features: { optionsAPI: false } }),
    // Each SFC imports the Element Plus components (and v-loading) its template uses, with their
    // CSS. Services called as functions (ElMessage, ElNotification) take their CSS from
    // src/element-services.ts. Vitest runs Element Plus in Node, which
    // cannot import CSS: there the components come without it.
    components({
      dirs: [],
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: mode === 'test' ? false : 'css' })],
    }),
  ],
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    // vue-i18n runs in composition mode (src/i18n) and no template uses its <i18n-t>
    // components: their code stays out of the start-up bundle.
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
  },
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Vue first: a group also takes the dependencies of what it captures, and Element Plus
            // depends on Vue.
            {
              name: 'vue',
              test: /[\\/]node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify|pinia)[\\/]/,
              priority: 3,
            },
            {
              // Before Element Plus, which uses them too: the side navigation draws them at launch.
              name: 'icons',
              test: /[\\/]node_modules[\\/]@element-plus[\\/]icons-vue[\\/]/,
              priority: 2,
            },
            {
              // All of Element Plus the pages use, in one chunk that ElementScope brings after
              // the login (which uses none of it).
              name: 'element-plus',
              test: /[\\/]node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|@popperjs|@sxzz|@ctrl|lodash|lodash-es|lodash-unified|dayjs|async-validator|memoize-one|normalize-wheel-es)[\\/]/,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.spec.ts'],
    setupFiles: ['tests/setup.ts'],
    restoreMocks: true,
    css: false,
    // element-services.ts imports Element Plus's CSS, which Node cannot load: run those files
    // through Vite, where `css: false` makes them empty.
    server: { deps: { inline: [/element-plus[\\/](theme-chalk|es[\\/]components[\\/][^\\/]+[\\/]style)[\\/]/] } },
  },
}))
