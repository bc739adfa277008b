import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-hono-node', include: ['test/**/*.test.ts'] },
});
