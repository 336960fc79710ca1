/**
 * The rendered dev overlay's worker Deployment as a real pod under `podman kube play`: its own
 * securityContext, limits, probes, ConfigMap (as rendered, with the generated name) and Secret
 * references, the Secrets' keys as podman secrets. Three changes only, because
 * podman is not a cluster: hostNetwork (the redis-server and emulator of this test listen on
 * loopback, where the overlay's `redis` Service would be; podman then refuses the container's `ports`
 * list, which only documents the port) and REDIS_URL/CIO_TRACK_URL pointing there (REDIS_URL with the
 * password expanded, which the kubelet does and podman does not). REDIS_PASSWORD and the Customer.io
 * credentials still come from secretKeyRef.
 * Enqueues N operations and waits for exactly N in the emulator's ledger.
 * Beside it, k8s/gateway's Deployment (its ConfigMap as rendered, the same Secrets, the same three changes)
 * as a second pod: one identify through it, HTTP Basic with the Secret's credentials, must reach the ledger
 * through the worker pod too (N + 1). Then both pods are torn down.
 * Usage: node --conditions=source --import tsx k8s/image/kube-play.ts [worker image] [gateway image]
 * (defaults localhost/cioscale/worker:ci, localhost/cioscale/gateway:ci; `-` as the gateway image leaves it out).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '@cioscale/queue';
import { stringify } from 'yaml';
import { render, type K8sObject } from '../test/render.js';
import { freePort } from '@cioscale/test-support';
import { API_KEY, SITE_ID, startHarness, status, waitFor } from './harness.js';
import { podman, podmanWithEnv, ULIMITS } from './podman.js';

const image = process.argv[2] ?? 'localhost/cioscale/worker:ci';
const gatewayImage = process.argv[3] ?? 'localhost/cioscale/gateway:ci';
const count = Number(process.env['KUBE_PLAY_OPERATIONS'] ?? 5_000);
const log = (message: string): void => void process.stdout.write(`kube-play: ${message}\n`);

type Container = { image: string; env: { name: string; value?: string }[]; ports?: unknown[] };
type Deployment = K8sObject & { spec: { replicas?: number; template: { spec: { hostNetwork?: boolean; containers: Container[] } } } };

const harness = await startHarness(DEFAULT_NAMESPACE);
const dir = mkdtempSync(join(tmpdir(), 'cioscale-kube-play-'));
const file = join(dir, 'dev.yaml');
const created: string[] = [];
let failed = false;
try {
  const objects = render('overlays/dev');
  const deployment = structuredClone(objects.find((object) => object.kind === 'Deployment')) as Deployment;
  // The kubelet expands $(REDIS_PASSWORD) from the Secret; podman 4 does not (the process then sends the
  // literal text and Redis answers WRONGPASS), so this does the kubelet's part: host, port and password.
  const redisUrl = `redis://:${harness.password}@127.0.0.1:${harness.redis.port}`;
  const worker = forPodman(deployment, image, { REDIS_URL: redisUrl, CIO_TRACK_URL: harness.emulator.url });
  const configMaps = objects.filter((object) => object.kind === 'ConfigMap') as (K8sObject & { data: Record<string, string> })[];
  for (const configMap of configMaps) configMap.data['PORT'] = String(harness.workerPort);
  const played: K8sObject[] = [...configMaps, worker];
  const gatewayPort = await freePort();
  if (gatewayImage !== '-') {
    const gatewayObjects = render('gateway');
    const gatewayConfig = gatewayObjects.find((object) => object.kind === 'ConfigMap') as K8sObject & { data: Record<string, string> };
    gatewayConfig.data['PORT'] = String(gatewayPort);
    played.push(gatewayConfig, forPodman(structuredClone(gatewayObjects.find((object) => object.kind === 'Deployment')) as Deployment, gatewayImage, { REDIS_URL: redisUrl }));
  }
  // the overlay's own Secret, with the password this test's Redis requires instead of its empty one
  const redisSecret = structuredClone(objects.find((object) => object.kind === 'Secret' && object.metadata.name === 'cioscale-redis')) as K8sObject & { stringData: Record<string, string> };
  redisSecret.stringData['password'] = harness.password;
  const secrets = [
    redisSecret,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cioscale-customerio' }, stringData: { 'site-id': SITE_ID, 'track-api-key': API_KEY } },
  ];
  // podman 4 resolves secretKeyRef against its own secrets: a JSON object of base64 values by key
  for (const secret of secrets) {
    const path = join(dir, `${secret.metadata.name}.json`);
    const { stringData } = secret as K8sObject & { stringData?: Record<string, string> };
    writeFileSync(path, JSON.stringify(Object.fromEntries(Object.entries(stringData ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]))));
    await podman('secret', 'rm', secret.metadata.name).catch(() => undefined);
    await podman('secret', 'create', secret.metadata.name, path);
    created.push(secret.metadata.name);
  }
  writeFileSync(file, played.map((object) => stringify(object)).join('---\n'));

  const startedAt = Date.now();
  // kube play has no --ulimit: the limits this machine kind needs come from a containers.conf of its own
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, `[containers]\ndefault_ulimits = [${ULIMITS.filter((_, index) => index % 2 === 1).map((limit) => JSON.stringify(limit)).join(', ')}]\n`);
  await podmanWithEnv({ CONTAINERS_CONF: conf }, 'kube', 'play', '--replace', file);
  await waitFor('/readyz 200 from the played pod', async () => (await status(`http://127.0.0.1:${harness.workerPort}/readyz`)) === 200, 60_000, 50);
  log(`pod ready in ${Date.now() - startedAt} ms`);
  await harness.enqueue(0, count);
  await waitFor(`${count} operations in the ledger`, () => harness.delivered() >= count, 120_000);
  const stats = harness.emulator.stats(SITE_ID);
  if (stats.acceptedOperations !== count || stats.duplicateEvents !== 0) throw new Error(`ledger holds ${stats.acceptedOperations} (${stats.duplicateEvents} duplicates), expected ${count}`);
  log(`delivered ${count} operations through the dev overlay's pod`);
  if (gatewayImage !== '-') {
    await waitFor('/readyz 200 from the played gateway pod', async () => (await status(`http://127.0.0.1:${gatewayPort}/readyz`)) === 200, 60_000, 50);
    const answer = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/customers/kube-play-gateway`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`${SITE_ID}:${API_KEY}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plan: 'kube-play' }),
    });
    if (answer.status !== 200) throw new Error(`the gateway pod answered ${answer.status} to an identify: ${await answer.text()}`);
    await waitFor('the identify through the gateway pod in the ledger', () => harness.delivered() >= count + 1, 60_000);
    log(`an identify through the gateway pod (k8s/gateway) delivered by the worker pod: ${harness.delivered()} of ${count + 1}`);
  }
  log('ok');
} catch (error) {
  failed = true;
  log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  const names = (await podman('ps', '--all', '--filter', 'pod=cioscale-worker-pod-0', '--filter', 'pod=cioscale-gateway-pod-0', '--format', '{{.Names}}').catch(() => '')).split('\n').filter(Boolean);
  for (const name of names) log(`logs of ${name}:\n${await podman('logs', name).catch(() => '(none)')}`);
} finally {
  await podman('kube', 'down', file).catch(() => undefined);
  for (const name of created) await podman('secret', 'rm', name).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  await harness.close();
}
process.exit(failed ? 1 : 0);

/**
 * `deployment` as podman can play it: `image`, host networking (podman then refuses the `ports` list,
 * which only documents the port; the process listens on PORT all the same) and `env` set over its own.
 */
function forPodman(deployment: Deployment, image: string, env: Record<string, string>): Deployment {
  const pod = deployment.spec.template.spec;
  pod.hostNetwork = true;
  const container = pod.containers[0]!;
  container.image = image;
  delete container.ports;
  const url = container.env.find((variable) => variable.name === 'REDIS_URL')?.value ?? '';
  if (!url.includes('$(REDIS_PASSWORD)')) throw new Error(`${deployment.metadata.name}'s REDIS_URL does not take the password from REDIS_PASSWORD: ${url}`);
  for (const [name, value] of Object.entries(env)) {
    const existing = container.env.find((variable) => variable.name === name);
    if (existing) existing.value = value;
    else container.env.push({ name, value });
  }
  return deployment;
}
