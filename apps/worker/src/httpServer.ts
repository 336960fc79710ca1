import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** What the probes ask. */
export interface Probes {
  /** Alive: the process can answer (false only when it must be restarted). */
  readonly live: () => boolean;
  /** Ready for work: Redis connected and not draining. */
  readonly ready: () => boolean;
}

/**
 * Serves `GET /metrics` (Prometheus text), `GET /healthz` (liveness) and `GET /readyz` (readiness).
 * Resolves once listening; `port` 0 picks a free one (read it from `server.address()`).
 */
export async function startHttpServer(port: number, registry: Registry, probes: Probes): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return void response.writeHead(405).end();
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`),
      );
      return;
    }
    const probe = path === '/healthz' ? probes.live : path === '/readyz' ? probes.ready : undefined;
    if (!probe) return void response.writeHead(404).end();
    const ok = probe();
    response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
