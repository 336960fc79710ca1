import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'demo', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
