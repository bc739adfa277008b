export { ProtocolError } from './protocol/errors.js';
export type { SimMessage, SimReceipt } from './protocol/model.js';
export { type LinkedDeviceInfo, SimPhone, type WaitOptions } from './protocol/phone.js';
export { startWaSim, type WaSim, type WaSimOptions } from './protocol/server.js';
export { type TrustableSimulator, type TrustOptions, trustSimulator } from './protocol/trust.js';
export type { PhoneOptions, SimGroup } from './protocol/world.js';
