/** The in-process simulated phone: for tests, demos and trying wabot without WhatsApp. */
export { SimDriver, SimHub, type SimInbound, type SimOptions, type SimSent } from './testing/sim-driver.js';
