import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server child process owned by a test. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory (AOF survives when `persistent`). */
  restart(): Promise<void>;
  /** Stops it and deletes its directory. */
  close(): Promise<void>;
}

/**
 * What {@link startRedis} passes to `redis-server`. Either the defaults below (plus `persistent` and `args`), or
 * `exactArgs` alone — for a test that checks a given set of flags (e.g. a manifest's) and must not have a default
 * fill in a flag that set forgot.
 */
export type StartRedisOptions = {
  /** A port chosen beforehand (e.g. one a worker already tries); @defaultValue a free one */
  port?: number;
} & (
  | {
      /** AOF on (`appendfsync always`), so a restart keeps the queue; @defaultValue false */
      persistent?: boolean;
      /** Passed after the defaults, so they override them. */
      args?: readonly string[];
      exactArgs?: never;
    }
  | {
      /** The only flags besides `--port`, `--bind 127.0.0.1` and `--dir` (none of the defaults). */
      exactArgs: readonly string[];
      persistent?: never;
      args?: never;
    }
);

/**
 * Starts `redis-server` on a free port — never the machine's own 6379 — with `--save ''`,
 * `--maxmemory-policy noeviction` and `--appendonly` per `persistent`, then `args`; or with `exactArgs` only.
 * If redis-server refuses its flags, the error carries what it printed.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'cio-redis-'));
  const flags =
    options.exactArgs ?? [
      '--save', '', '--maxmemory-policy', 'noeviction',
      ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ...(options.args ?? []),
    ];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...flags];
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const current = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = current;
    let stderr = '';
    current.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close' comes after 'exit' once stderr is read to the end
    const closed = new Promise<void>((resolve) => current.once('close', () => resolve()));
    try {
      await waitForPing(port, 10_000, () => current.exitCode !== null || current.signalCode !== null);
    } catch (error) {
      current.kill('SIGKILL');
      await closed;
      throw new Error(`redis-server ${flags.join(' ')} did not start: ${stderr}`, { cause: error });
    }
  };
  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      current.once('exit', () => resolve());
      current.kill('SIGTERM');
    });
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `redis-cli ping` answers on `port`; gives up early once `exited()` says the server is gone. */
export async function waitForPing(port: number, timeoutMs = 10_000, exited: () => boolean = () => false): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`redis-server on port ${port} exited before it answered`);
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
      if (stdout.trim() === 'PONG') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A local 3-master Redis Cluster. */
export interface TestCluster {
  /** `127.0.0.1:port` of each master. */
  readonly nodes: readonly string[];
  close(): Promise<void>;
}

/** Starts three cluster-enabled redis-servers and joins them with `redis-cli --cluster create`. */
export async function startCluster(): Promise<TestCluster> {
  const servers: TestRedis[] = [];
  for (let index = 0; index < 3; index++) {
    const dir = mkdtempSync(join(tmpdir(), 'cio-cluster-'));
    servers.push(await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '5000'] }));
  }
  const nodes = servers.map((server) => `127.0.0.1:${server.port}`);
  await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
  // the slots are assigned at once, but every node must agree before clients can rely on it
  const until = Date.now() + 15_000;
  for (;;) {
    const states = await Promise.all(servers.map((server) => run('redis-cli', ['-p', String(server.port), 'cluster', 'info']).then(({ stdout }) => stdout)));
    if (states.every((info) => info.includes('cluster_state:ok'))) break;
    if (Date.now() > until) throw new Error('the test cluster did not reach cluster_state:ok');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { nodes, close: async () => void (await Promise.all(servers.map((server) => server.close()))) };
}
