/**
 * The gateway image, run as k8s/gateway's Deployment runs it (k8s/image/podman.ts: its user, read-only
 * root, /tmp tmpfs, no capabilities, its limits and its ConfigMap, the Secrets' values as env) against the
 * harness's real redis-server (with a password):
 *   0. the image itself: it runs as uid 10001 and its environment holds no credential (the CA bundle and
 *      the Secrets' values never land in it);
 *   1. cold start until /healthz and /readyz answer 200;
 *   2. a call with wrong credentials is 401; a real identify (HTTP Basic, Customer.io's v1 path) is 200 and
 *      its operation is in the workspace's Redis queue, stamped, as the gateway received it;
 *   3. SIGTERM → exit code 0, with every call answered.
 */
import type { Harness } from './harness.js';
import { API_KEY, SITE_ID, status, waitFor } from './harness.js';
import { deploymentEnv, GATEWAY_DEPLOYMENT, podman, runWorkerContainer, stopWithSigterm } from './podman.js';

/** What the check measured, for the log line docs/shipping.md quotes. */
export interface GatewayImageFigures {
  readonly sizeBytes: number;
  readonly readyMs: number;
  readonly exitCode: number;
}

/** Runs the checks above; throws naming the first that fails (after printing the container's log). */
export async function checkGatewayImage(image: string, harness: Harness, port: number, log: (message: string) => void): Promise<GatewayImageFigures> {
  const sizeBytes = Number(await podman('image', 'inspect', '--format', '{{.Size}}', image));
  const imageConfig = JSON.parse(await podman('image', 'inspect', '--format', '{{json .Config}}', image)) as { User?: string; Env?: string[] };
  check(imageConfig.User === '10001:10001', `the image runs as ${JSON.stringify(imageConfig.User)}, expected 10001:10001`);
  const baked = (imageConfig.Env ?? []).map((entry) => entry.split('=')[0] ?? '').filter((name) => /KEY|SECRET|PASSWORD|TOKEN|CA_CERTS|REDIS_URL/.test(name));
  check(baked.length === 0, `the image's environment holds ${baked.join(', ')}`);
  log(`image ${image}: ${(sizeBytes / 1e6).toFixed(0)} MB, user ${imageConfig.User}, no credential in its environment`);
  const env = deploymentEnv({ REDIS_URL: harness.redisUrl, CUSTOMERIO_SITE_ID: SITE_ID, CUSTOMERIO_TRACK_API_KEY: API_KEY, PORT: String(port) }, GATEWAY_DEPLOYMENT);
  const url = (path: string): string => `http://127.0.0.1:${port}${path}`;
  const name = `cioscale-image-test-${process.pid}-gateway`;
  const startedAt = Date.now();
  await runWorkerContainer(image, name, env, GATEWAY_DEPLOYMENT);
  try {
    await waitFor('gateway /readyz 200', async () => (await status(url('/readyz'))) === 200, 30_000, 20);
    const readyMs = Date.now() - startedAt;
    check((await status(url('/healthz'))) === 200, 'gateway /healthz did not answer 200');
    log(`gateway cold start to /readyz 200: ${readyMs} ms; /healthz 200`);

    const identify = (key: string): Promise<Response> =>
      fetch(url('/api/v1/customers/image-gateway-1'), {
        method: 'PUT',
        headers: { authorization: `Basic ${Buffer.from(`${SITE_ID}:${key}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com', plan: 'image' }),
        signal: AbortSignal.timeout(10_000),
      });
    const wrong = await identify('not-the-key');
    check(wrong.status === 401, `a wrong API key was answered ${wrong.status}, expected 401`);
    const receivedBefore = Math.floor(Date.now() / 1000);
    const accepted = await identify(API_KEY);
    check(accepted.status === 200, `the identify was answered ${accepted.status} (${await accepted.text()}), expected 200`);
    const queued = await queuedOperation(harness, 'image-gateway-1');
    check(queued !== undefined, 'the identify answered 200 is not in the workspace queue in Redis');
    const timestamp = Number((queued as { timestamp?: number }).timestamp);
    check(
      JSON.stringify(queued).includes('"plan":"image"') && timestamp >= receivedBefore - 1,
      `the queued operation is not the identify as sent, stamped at receipt: ${JSON.stringify(queued)}`,
    );
    log('gateway: wrong credentials 401; identify 200 and in the Redis queue, stamped at receipt');

    const exitCode = await stopWithSigterm(name);
    const output = await podman('logs', name);
    check(exitCode === 0, `the gateway exited ${exitCode} on SIGTERM, expected 0`);
    check(output.includes('drained; every call was answered'), `the gateway did not report a clean drain:\n${output}`);
    log(`gateway SIGTERM: exit ${exitCode}, every call answered`);
    return { sizeBytes, readyMs, exitCode };
  } catch (error) {
    log(`logs of ${name}:\n${await podman('logs', name).catch(() => '(none)')}`);
    throw error;
  } finally {
    await podman('rm', '--force', name).catch(() => undefined);
  }
}

/** The queued operation of the person `id`, from any shard of the harness's workspace queues. */
async function queuedOperation(harness: Harness, id: string): Promise<unknown> {
  // the harness's producer opens its queues on its first enqueue (done by the worker's part, unless skipped)
  if (harness.producer.queues.size === 0) await harness.enqueue(0, 1);
  for (const queue of [...harness.producer.queues.values()].flat()) {
    for (const job of await queue.getJobs(['waiting', 'prioritized', 'paused', 'delayed'])) {
      const operation = (job?.data as { operation?: { identifiers?: { id?: string } } } | undefined)?.operation;
      if (operation?.identifiers?.id === id) return operation;
    }
  }
  return undefined;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
