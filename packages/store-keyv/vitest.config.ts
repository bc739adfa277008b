import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'store-keyv', include: ['test/**/*.test.ts'] },
});
