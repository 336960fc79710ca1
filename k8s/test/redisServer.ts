/**
 * A `redis-server` child process for one test file, on a free port — never the machine's own 6379.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface TestRedis {
  readonly url: string;
  readonly client: Redis;
  close(): Promise<void>;
}

/** Starts redis-server with `args` (e.g. a manifest's) after its own port, bind and data directory. */
export async function startRedis(args: readonly string[] = ['--save', '', '--appendonly', 'no']): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cio-k8s-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForListening(port, exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`redis-server ${args.join(' ')} did not start: ${stderr}`, { cause: error });
  }
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    close: async () => {
      client.disconnect();
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `port` accepts connections; rejects if the server exits first or after 10 s. */
async function waitForListening(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 200; attempt++) {
    if (gone) throw new Error('redis-server exited');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on port ${port} after 10 s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
