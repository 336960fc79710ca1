import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy in front of a local port that a test can make hang, as a load balancer does when its backend dies. */
export interface TcpProxy {
  readonly port: number;
  /** Stops forwarding both ways but keeps every connection open: the client's commands get no answer. */
  hang(): void;
  close(): Promise<void>;
}

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /**
   * Holds every chunk this long before forwarding it, each way: a round trip of at least twice this, as to a
   * Redis in another zone or on a machine whose CPU is overloaded. @defaultValue 0
   */
  readonly delayMs?: number;
}

/** Starts a proxy on a free loopback port forwarding to `127.0.0.1:targetPort`. */
export async function startTcpProxy(targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const delayMs = options.delayMs ?? 0;
  const sockets = new Set<Socket>();
  let hanging = false;
  // timers of one duration fire in the order they were set, so delayed chunks keep their order
  const forward = (to: Socket, chunk: Buffer): void => {
    if (delayMs === 0) void (hanging || to.write(chunk));
    else setTimeout(() => void (hanging || to.destroyed || to.write(chunk)), delayMs);
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => forward(upstream, chunk));
    upstream.on('data', (chunk) => forward(client, chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    hang: () => void (hanging = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
