import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// k6's modules exist only inside k6; under Node the scripts get small recording stand-ins.
const stub = (name: string): string => fileURLToPath(new URL(`./test/k6/${name}.ts`, import.meta.url));

export default defineProject({
  resolve: {
    conditions: ['source'],
    alias: [
      { find: /^k6$/, replacement: stub('k6') },
      { find: /^k6\/http$/, replacement: stub('http') },
      { find: /^k6\/metrics$/, replacement: stub('metrics') },
      { find: /^k6\/encoding$/, replacement: stub('encoding') },
    ],
  },
  ssr: { resolve: { conditions: ['source'] } },
  test: { name: 'load-tests', include: ['test/**/*.test.ts'] },
});
