export { type DriverContractOptions, type DriverHarness, driverContract } from './driver-contract.js';
export { SimDriver, SimHub, type SimInbound, type SimOptions, type SimSent } from './sim-driver.js';
export { type StoreContractGroup, type StoreContractOptions, storeContract } from './store-contract.js';
