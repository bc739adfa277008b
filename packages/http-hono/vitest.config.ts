import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'http-hono', include: ['test/**/*.test.ts'] },
});
