import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-embed-node', include: ['test/**/*.test.ts'] },
});
