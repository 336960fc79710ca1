import { CustomerIORequestError } from 'customerio-node';
import { describe, expect, it } from 'vitest';
import { EmulatorOptionError, startEmulator } from '../src/index.js';
import { identifyOp, send, trackClient, useEmulators } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
}

/** A random source that plays back `draws` in a loop. */
function playback(...draws: number[]): () => number {
  let next = 0;
  return () => draws[next++ % draws.length] as number;
}

describe('fault injection', () => {
  const start = useEmulators();

  it('adds latency to every Track API answer (checked as a lower bound only)', async () => {
    const emulator = await start({ faults: { latencyMs: 150 } });
    const started = performance.now();
    await trackClient(emulator).identify('1', {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('adds latency plus jitter drawn from the random source', async () => {
    const emulator = await start({ faults: { latencyMs: 50, jitterMs: 200 }, random: playback(0.5) });
    const started = performance.now();
    await trackClient(emulator).identify('1', {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('answers 500 and 503 without applying the operation', async () => {
    const emulator = await start({ faults: { error500Rate: 1 } });
    const cio = trackClient(emulator);
    const error500 = await rejection(cio.identify('1', {}));
    expect(error500).toBeInstanceOf(CustomerIORequestError);
    expect((error500 as CustomerIORequestError).statusCode).toBe(500);

    emulator.configure({ faults: { error500Rate: 0, error503Rate: 1 } });
    const error503 = await rejection(cio.batch([identifyOp('1')]));
    expect((error503 as CustomerIORequestError).statusCode).toBe(503);
    expect((error503 as CustomerIORequestError).body).toContain('injected fault');

    expect(emulator.person('1')).toEqual({ state: 'unknown' });
    expect(emulator.stats()).toMatchObject({ faults: { error500: 1, error503: 1 }, statuses: { 500: 1, 503: 1 }, acceptedOperations: 0 });
  });

  it('answers the configured fraction, one draw per request', async () => {
    const emulator = await start({ faults: { error500Rate: 0.5 }, random: playback(0.1, 0.7, 0.49, 0.5) });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await send(emulator, 'PUT', `/api/v1/customers/${index}`, {})).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it('resets connections without an answer', async () => {
    const emulator = await start({ faults: { resetRate: 1 } });
    const error = await rejection(trackClient(emulator).identify('1', {}));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(emulator.stats()).toMatchObject({ requests: 1, faults: { resets: 1 }, statuses: {} });
    expect(emulator.person('1')).toEqual({ state: 'unknown' });
  });

  it('leaves connections hanging past the client timeout, and close() does not wait for them', async () => {
    const emulator = await startEmulator({ faults: { hangRate: 1, hangMs: 60_000 } });
    const error = await rejection(trackClient(emulator, 'site', 'key', 200).identify('1', {}));
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(emulator.stats().faults.hangs).toBe(1);
    // The socket would be held for 60 s; close() finishing within the test timeout shows it is not.
    await emulator.close();
  });

  it('destroys a hanging connection after hangMs', async () => {
    const emulator = await start({ faults: { hangRate: 1, hangMs: 100 } });
    const error = await rejection(trackClient(emulator, 'site', 'key', 30_000).identify('1', {}));
    expect((error as TypeError).message).toBe('fetch failed');
  });

  it('opens a forced 429 window, with Retry-After for what is left of it, and ends it on request', async () => {
    const emulator = await start({ faults: { force429Ms: 60_000 } });
    const cio = trackClient(emulator);
    const error = (await rejection(cio.identify('1', {}))) as CustomerIORequestError;
    expect(error.statusCode).toBe(429);
    expect(error.response.headers['retry-after']).toBe('60');
    expect(emulator.stats()).toMatchObject({ rateLimited: 1, faults: { forced429: 1 } });

    const config = await send(emulator, 'POST', '/__emulator/config', { faults: { force429Ms: 0 } }, {});
    expect(config.json).toMatchObject({ faults: { force429RemainingMs: 0 } });
    await expect(cio.identify('1', {})).resolves.toEqual({});
  });

  it('changes faults at runtime through the admin API and leaves the admin API alone', async () => {
    const emulator = await start();
    const config = await send(emulator, 'POST', '/__emulator/config', { faults: { error503Rate: 1, latencyMs: 5 } }, {});
    expect(config.json).toMatchObject({ faults: { error503Rate: 1, latencyMs: 5, error500Rate: 0 } });
    expect((await send(emulator, 'PUT', '/api/v1/customers/1', {})).status).toBe(503);
    expect((await send(emulator, 'GET', '/__emulator/stats', undefined, {})).status).toBe(200);
  });

  it('refuses invalid fault settings, naming the field, and changes nothing', async () => {
    const emulator = await start();
    const answer = await send(emulator, 'POST', '/__emulator/config', { faults: { error500Rate: 0.7, error503Rate: 0.5 }, rate: 5 }, {});
    expect(answer).toMatchObject({ status: 400, json: { error: expect.stringContaining('error500Rate + error503Rate + resetRate + hangRate must be at most 1') } });
    expect(emulator.config()).toMatchObject({ faults: { error500Rate: 0, error503Rate: 0 }, workspaces: [{ rate: 0 }] });
    expect(() => emulator.configure({ faults: { latencyMs: -1 } })).toThrow(EmulatorOptionError);
    expect(() => emulator.configure({ faults: { latencyMs: -1 } })).toThrow('faults.latencyMs must be a number of milliseconds ≥ 0; received -1');
    await expect(startEmulator({ faults: { hangRate: 2 } })).rejects.toThrow('faults.hangRate must be a fraction between 0 and 1; received 2');
    expect((await send(emulator, 'POST', '/__emulator/config', { faults: { resetRate: null } }, {})).status).toBe(400);
    expect((await send(emulator, 'POST', '/__emulator/config', { faults: { jitter: 5 } }, {})).json).toEqual({
      error: expect.stringContaining('faults.jitter must be one of latencyMs, jitterMs'),
    });
  });
});
