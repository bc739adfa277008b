import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-cloudflare', include: ['test/**/*.test.ts'] },
});
