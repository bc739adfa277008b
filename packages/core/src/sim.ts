/** The in-process simulated phone: for tests, demos and trying wabot without WhatsApp. */
export { type SimInbound, type SimOptions, type SimSent, SimDriver, SimHub } from './testing/sim-driver.js';
