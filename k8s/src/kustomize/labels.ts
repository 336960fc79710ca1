/**
 * `labels:` entries with only `pairs` (the default: no selectors, no templates) — kustomize's label
 * transformer then writes metadata.labels of every object and nothing else.
 */
import type { Resource } from './types.js';

export function applyLabels(resources: readonly Resource[], pairs: Readonly<Record<string, string>>): void {
  if (Object.keys(pairs).length === 0) return;
  for (const { object } of resources) object.metadata.labels = { ...object.metadata.labels, ...pairs };
}
