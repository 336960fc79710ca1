import type { QueueShards } from '@cioscale/queue';
import { describe, expect, it } from 'vitest';
import { BacklogWatch } from '../src/backlog.js';
import { readGatewayConfig } from '../src/config.js';
import { GatewayMetrics } from '../src/gatewayMetrics.js';
import { createGatewayServer, listen } from '../src/gatewayServer.js';

const auth = { authorization: `Basic ${Buffer.from('site:key').toString('base64')}` };

describe('the gateway draining (SIGTERM)', () => {
  it('stops listening, answers the calls in progress once persisted (closing their connection), then resolves', async () => {
    const config = readGatewayConfig({ REDIS_URL: 'redis://127.0.0.1:6399', CUSTOMERIO_SITE_ID: 'site', CUSTOMERIO_TRACK_API_KEY: 'key' });
    let persist: (() => void) | undefined;
    const enqueued: unknown[] = [];
    // Redis stood in for by a write the test lets land when it wants
    const producer = { enqueueMany: (requests: readonly unknown[]) => new Promise<string[]>((resolve) => (persist = () => resolve(requests.map((request) => (enqueued.push(request), 'id'))))) };
    const backlog = new BacklogWatch({ read: async () => [] } as unknown as QueueShards, [], config.maxBacklog);
    const metrics = new GatewayMetrics(['default'], backlog);
    const gateway = createGatewayServer({ config, producer, backlog, metrics, redisReady: () => true });
    const port = await listen(gateway, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/api/v1/customers/42`;
    try {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const inProgress = fetch(url, { method: 'PUT', headers: auth, body: '{"plan":"pro"}' });
      while (!persist) await new Promise((resolve) => setTimeout(resolve, 5));
      let drained = false;
      const drain = gateway.drain(5_000).then(() => (drained = true));
      // no new connection: Kubernetes has stopped routing here, and the SDK retries elsewhere
      await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
      expect(drained).toBe(false);
      persist();
      const answer = await inProgress;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('connection')).toBe('close');
      await drain;
      expect(enqueued).toHaveLength(1);
      expect(metrics.inFlight).toBe(0);
    } finally {
      gateway.server.close();
    }
  });
});
