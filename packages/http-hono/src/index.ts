export { type AppOptions, createApp } from './app.js';
export type { AuthOptions } from './auth.js';
export { type Envelope, fail, ok } from './envelope.js';
export { HttpError, type MappedError, mapError } from './http-errors.js';
export type { SimControl, SimInbound } from './routes/sim.js';
export { simControl } from './sim-control.js';
export type { TimeRange, WebhookControl, WebhookDescription } from './webhook-control.js';
