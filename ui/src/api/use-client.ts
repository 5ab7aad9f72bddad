import { inject, type InjectionKey } from 'vue'
import type { Client } from './client'

export const clientKey: InjectionKey<Client> = Symbol('onestop.client')

/** The app's typed client, provided once at start-up (see setup.ts). */
export function useClient(): Client {
  const client = inject(clientKey)
  if (!client) throw new Error('useClient() called outside an app that provides the client')
  return client
}
