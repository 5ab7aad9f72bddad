/// <reference types="vite/client" />

/** ui/package.json's version, for the browser preview only; the app reports Rust's version. */
declare const __APP_VERSION__: string
