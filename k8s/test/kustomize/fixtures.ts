/**
 * Small kustomizations that exercise each feature of the renderer. Those in RENDERABLE_FIXTURES are
 * also rendered by `pnpm run compare-kubectl`, so each feature is checked against kubectl itself.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('fixtures', import.meta.url));

export const RENDERABLE_FIXTURES = ['generated-configmap', 'overlay', 'json6902'] as const;

export const fixture = (name: (typeof RENDERABLE_FIXTURES)[number]): string => join(FIXTURES_DIR, name);
