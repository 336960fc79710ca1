import { codeOf, DEFAULT_BATCH, identify } from '@cioscale/core';
import { describe, expect, it } from 'vitest';
import { createTransport, PIPELINES_BATCH_MAX_BYTES, type Sink, type SinkConfig } from '../src/index.js';
import { batchOf, SECRET_KEY } from './helpers.js';
import { usePipelinesEmulator, WRITE_KEY } from './pipelinesHelpers.js';

describe('createTransport: one place decides the sink of a configuration', () => {
  const { start } = usePipelinesEmulator();

  async function sent(config: SinkConfig, ops = 3): Promise<Sink> {
    const sink = createTransport({ ...config, timeoutMs: 2_000, connections: 1 });
    try {
      await expect(sink.send(batchOf(Array.from({ length: ops }, (_, i) => identify(`p${i}`, { i }))))).resolves.toMatchObject({ status: 200 });
    } finally {
      await sink.close();
    }
    return sink;
  }

  it('api track goes to the Track port, api pipelines to the Pipelines port (strict), each with its own batch size', async () => {
    const emulator = await start();
    const track = await sent({ api: 'track', siteId: 'site', apiKey: SECRET_KEY, url: emulator.url });
    expect(emulator.stats().acceptedOperations).toBe(3);
    expect(emulator.pipelinesStats().requests).toBe(0);
    expect(track).toMatchObject({ api: 'track', target: emulator.url, batchMaxBytes: DEFAULT_BATCH.maxBytes });

    const pipelines = await sent({ api: 'pipelines', writeKey: WRITE_KEY, url: emulator.pipelinesUrl as string }, 4);
    expect(emulator.pipelinesStats()).toMatchObject({ requests: 1, strictRequests: 1, acceptedCalls: 4 });
    expect(emulator.stats().requests).toBe(1);
    expect(pipelines).toMatchObject({ api: 'pipelines', target: emulator.pipelinesUrl, batchMaxBytes: PIPELINES_BATCH_MAX_BYTES });
  });

  it('describes the sink with the API and host, the key masked', () => {
    const track = createTransport({ api: 'track', siteId: 'site', apiKey: SECRET_KEY, region: 'eu' });
    const pipelines = createTransport({ api: 'pipelines', writeKey: WRITE_KEY, region: 'eu' });
    try {
      expect(track.description).toBe('Track API at https://track-eu.customer.io (site id site, API key ***)');
      expect(pipelines.description).toBe('Data Pipelines API at https://cdp-eu.customer.io (write key ***, strict mode)');
      for (const sink of [track, pipelines]) expect(JSON.stringify(sink)).not.toMatch(new RegExp(`${SECRET_KEY}|${WRITE_KEY}`));
    } finally {
      void track.close();
      void pipelines.close();
    }
  });

  it('an unknown api or a bad key is a configuration error naming the option, never echoing the key', () => {
    const refuse = (config: unknown): string => {
      try {
        createTransport(config as SinkConfig);
      } catch (error) {
        expect(codeOf(error)).toBe('CIO_CONFIG');
        return (error as Error).message;
      }
      return '(accepted)';
    };
    expect(refuse({ api: 'cdp', writeKey: WRITE_KEY })).toMatch(/api/);
    const badKey = refuse({ api: 'pipelines', writeKey: `${WRITE_KEY} x` });
    expect(badKey).toMatch(/writeKey/);
    expect(badKey).not.toContain(WRITE_KEY);
  });
});
