export type { RawWrite, StoreBackend } from './backend.js';
export { type CreateStoreOptions, createStore, redactUrl } from './create-store.js';
export { KeyvStore, type KeyvStoreOptions } from './keyv-store.js';
