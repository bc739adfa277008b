import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'driver-baileys', include: ['test/**/*.test.ts'] },
});
