export * from './bytes.js';
export * from './driver.js';
export * from './errors.js';
export * from './resources.js';
export * from './settings.js';
export * from './store.js';
export * from './types.js';
