// The router loads each page on first visit (src/router/index.ts). In the app that is a small
// local file; here it is a first-time transform, slower than the one flushPromises a spec waits
// after a key press. Loading the pages once up front keeps navigation as quick as in the app.
import.meta.glob('../src/pages/*.vue', { eager: true })
