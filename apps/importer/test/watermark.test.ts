import { describe, expect, it } from 'vitest';
import { Watermark } from '../src/watermark.js';

describe('Watermark', () => {
  it('advances only over contiguous rows, passing each row once and in order', () => {
    const passed: number[] = [];
    const watermark = new Watermark(10, (row) => passed.push(row));
    watermark.complete(13);
    watermark.complete(12);
    expect(watermark.rows).toBe(10);
    expect(watermark.ahead).toBe(2);
    watermark.complete(11);
    expect(watermark.rows).toBe(13);
    expect(passed).toEqual([11, 12, 13]);
    expect(watermark.ahead).toBe(0);
  });
});
