import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // colours on, so a test can check that the budget gauge turns red
  test: { name: 'monitor', env: { FORCE_COLOR: '1' }, include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], testTimeout: 60_000, hookTimeout: 60_000 },
});
