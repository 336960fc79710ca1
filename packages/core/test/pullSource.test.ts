import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createPullSource } from '../src/index.js';

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createPullSource with size', () => {
  it('counts the units of each value, so chunks of rows fill the window row by row', async () => {
    let read = 0;
    async function* chunks() {
      for (let i = 0; i < 10; i++) {
        read += 1;
        yield [1, 2, 3, 4];
      }
    }
    const source = createPullSource(chunks(), { highWaterMark: 10, size: (chunk) => chunk.length });
    const seen: number[][] = [];
    const subscription = source.values.subscribe((chunk) => seen.push(chunk));
    await tick();
    // 4 + 4 = 8 < 10 reads a third chunk; 12 ≥ 10 stops (overshoot below one chunk)
    expect(seen).toHaveLength(3);
    expect(source.pending).toBe(12);
    expect(read).toBe(3);
    source.release(2);
    await tick();
    // 10 is still a full window
    expect(seen).toHaveLength(3);
    source.release(1);
    await tick();
    expect(seen).toHaveLength(4);
    expect(source.pending).toBe(13);
    subscription.unsubscribe();
  });

  it('reads everything when every unit is released, and ends with nothing pending', async () => {
    function* chunks() {
      for (let i = 0; i < 50; i++) yield Array.from({ length: i % 7 }, (_, j) => j);
    }
    const source = createPullSource(chunks(), { highWaterMark: 8, size: (chunk) => chunk.length });
    let units = 0;
    const all = await new Promise<number[][]>((resolve, reject) => {
      const got: number[][] = [];
      source.values.subscribe({
        next: (chunk) => {
          got.push(chunk);
          units += chunk.length;
          // acknowledge later, one unit at a time, like outcomes arriving
          for (let i = 0; i < chunk.length; i++) setTimeout(() => source.release(), 0);
        },
        error: reject,
        complete: () => resolve(got),
      });
    });
    expect(all).toHaveLength(50);
    await tick();
    expect(units).toBe(147);
    expect(source.pending).toBe(0);
  });

  it('without size, every value is one unit (the default)', async () => {
    const source = createPullSource([[1, 2, 3], [4]], { highWaterMark: 1 });
    const first: number[][] = [];
    const subscription = source.values.subscribe((v) => first.push(v));
    await tick();
    expect(first).toEqual([[1, 2, 3]]);
    expect(source.pending).toBe(1);
    subscription.unsubscribe();
  });

  it('refuses a size that is not a function, naming the option', () => {
    expect(() => createPullSource([1], { size: 3 as unknown as (v: number) => number })).toThrow(ConfigurationError);
    expect(() => createPullSource([1], { size: 3 as unknown as (v: number) => number })).toThrow(/"size"/);
  });

  it('errors the stream when size answers something that is not a finite count', async () => {
    await expect(lastValueFrom(createPullSource([[1]], { size: () => Number.NaN }).values.pipe(toArray()))).rejects.toThrow(/"size" must be a finite number/);
    await expect(lastValueFrom(createPullSource([[1]], { size: () => -1 }).values.pipe(toArray()))).rejects.toThrow(ConfigurationError);
  });
});
