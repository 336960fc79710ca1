import { describe, expect, it } from 'vitest';
import { tuneHeapForStreaming } from '../src/heapTuning.js';

describe('tuneHeapForStreaming', () => {
  it('applies the importer’s heap growth unless node was started with its own --heap-growing-percent', () => {
    expect(tuneHeapForStreaming(['--heap-growing-percent=400'])).toBe(false);
    expect(tuneHeapForStreaming(['--enable-source-maps', '--heap_growing_percent', '50'])).toBe(false);
    expect(tuneHeapForStreaming(['--enable-source-maps'])).toBe(true);
  });
});
