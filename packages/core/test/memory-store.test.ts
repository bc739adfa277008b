import { MemoryStore } from '../src/store.js';
import { storeContract } from '../src/testing/store-contract.js';

storeContract(() => new MemoryStore(), { name: 'MemoryStore' });
