export { MANAGER_METHODS, type ManagerMethod } from './methods.js';
export { type RemoteManagerOptions, remoteManager } from './remote-manager.js';
export { MIN_SECRET_LENGTH, type RpcHandlerOptions, rpcHandler } from './rpc-handler.js';
export { fromWireError, RpcError, toWireError, type WireError } from './wire-error.js';
