/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

// Tauri embeds ui/dist and serves it from its own protocol, so every asset path is relative
// and nothing is fetched from the network: the app runs offline.
export default defineConfig({
  base: './',
  plugins: [vue()],
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
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
    // Element Plus alone is ~1 MB unminified; it is loaded from disk, never over a network.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'element-plus',
              test: /[\\/]node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|@popperjs|@sxzz|@ctrl|lodash|lodash-es|lodash-unified|dayjs|async-validator|memoize-one|normalize-wheel-es)[\\/]/,
              priority: 2,
            },
            {
              name: 'vue',
              test: /[\\/]node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify|pinia)[\\/]/,
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
    restoreMocks: true,
    css: false,
  },
})
