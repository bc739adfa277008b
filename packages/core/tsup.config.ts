import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/sim.ts', 'src/testing/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node20',
});
