/**
 * Runs an image the way its Deployment runs it, with podman: the worker's (k8s/base) or the gateway's
 * (k8s/gateway) user, read-only root, tmpfs /tmp of the emptyDir's size, no capabilities, no privilege
 * escalation, CPU and memory limits and ConfigMap settings. Host networking, so a redis-server and an
 * emulator on loopback stand in for the cluster's Redis and the Track API.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { one, render, type Kustomization } from '../test/render.js';
import { deployedEnv } from '../test/worker.js';

const run = promisify(execFile);

/** What this machine kind needs: crun fails here, runc works; containers get explicit ulimits. */
export const PODMAN_FLAGS = ['--runtime', 'runc'];
export const ULIMITS = ['--ulimit', 'nofile=16384:16384', '--ulimit', 'nproc=8192:8192'];

export async function podman(...args: string[]): Promise<string> {
  return podmanWithEnv({}, ...args);
}

/** `podman` with `env` added to this process's environment (e.g. CONTAINERS_CONF). */
export async function podmanWithEnv(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run('podman', [...PODMAN_FLAGS, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  return stdout.trim();
}

interface PodSpec {
  securityContext: { runAsUser: number; runAsGroup: number; runAsNonRoot: boolean };
  containers: {
    resources: { limits: { cpu: string; memory: string } };
    securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
    volumeMounts: { name: string; mountPath: string }[];
  }[];
  volumes: { name: string; emptyDir?: { sizeLimit?: string } }[];
}

/** Which Deployment a container stands for: the kustomization it is rendered from and its name. */
export interface DeploymentRef {
  readonly kustomization: Kustomization;
  readonly name: string;
}
export const WORKER_DEPLOYMENT: DeploymentRef = { kustomization: 'base', name: 'cioscale-worker' };
export const GATEWAY_DEPLOYMENT: DeploymentRef = { kustomization: 'gateway', name: 'cioscale-gateway' };

/** `podman run` flags for a Deployment's security settings and limits (the base worker's by default). */
export function deploymentRunFlags(deployment: DeploymentRef = WORKER_DEPLOYMENT): string[] {
  const objects = render(deployment.kustomization);
  const pod = one<{ spec: { template: { spec: PodSpec } } }>(objects, 'Deployment', deployment.name).spec.template.spec;
  const container = pod.containers[0]!;
  const flags = ['--user', `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`];
  if (container.securityContext.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  for (const mount of container.volumeMounts) {
    const size = pod.volumes.find((volume) => volume.name === mount.name)?.emptyDir?.sizeLimit;
    flags.push('--tmpfs', `${mount.mountPath}:rw,mode=1777${size ? `,size=${size.replace(/i$/, '').toLowerCase()}` : ''}`);
  }
  for (const capability of container.securityContext.capabilities.drop) flags.push('--cap-drop', capability);
  if (!container.securityContext.allowPrivilegeEscalation) flags.push('--security-opt', 'no-new-privileges');
  flags.push('--cpus', String(Number(container.resources.limits.cpu)), '--memory', container.resources.limits.memory.replace(/i$/, '').toLowerCase());
  return flags;
}

/** A Deployment's settings from its ConfigMap (not the Secret references), with `overrides` on top. */
export function deploymentEnv(overrides: Record<string, string>, deployment: DeploymentRef = WORKER_DEPLOYMENT): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, variable] of deployedEnv(render(deployment.kustomization), deployment.name)) if (variable.source === 'configmap') env[name] = variable.value;
  return { ...env, ...overrides };
}

/** Starts the image detached as `deployment` runs it (the worker by default); returns the container's name. */
export async function runWorkerContainer(image: string, name: string, env: Record<string, string>, deployment: DeploymentRef = WORKER_DEPLOYMENT): Promise<string> {
  const envFlags = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
  await podman('run', '--detach', '--name', name, '--network', 'host', ...ULIMITS, ...deploymentRunFlags(deployment), ...envFlags, image);
  return name;
}

/** Sends SIGTERM and waits for the container to exit; returns its exit code. */
export async function stopWithSigterm(name: string): Promise<number> {
  await podman('kill', '--signal', 'TERM', name);
  return Number(await podman('wait', name));
}

/**
 * The most memory the container's cgroup has used (RSS plus page cache, what a memory limit counts):
 * cgroup v2 `memory.peak` or v1 `memory.max_usage_in_bytes`; undefined where neither is readable.
 */
export async function cgroupPeakBytes(name: string): Promise<number | undefined> {
  const id = await podman('inspect', '--format', '{{.Id}}', name);
  const { stdout } = await run('find', ['/sys/fs/cgroup', '-maxdepth', '6', '-type', 'd', '-name', `*${id}*`]).catch(() => ({ stdout: '' }));
  // conmon, podman's monitor process, has a cgroup of its own named after the container too
  for (const dir of stdout.split('\n').filter((line) => line !== '' && !line.includes('conmon'))) {
    for (const file of ['memory.peak', 'memory.max_usage_in_bytes']) {
      const { stdout: value } = await run('cat', [`${dir}/${file}`]).catch(() => ({ stdout: '' }));
      if (/^\d+\s*$/.test(value)) return Number(value);
    }
  }
  return undefined;
}
