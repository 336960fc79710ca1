import type { TokenSource } from '@cioscale/core';
import type { Consumer } from '@cioscale/queue';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Subscription } from 'rxjs';

/** What the exporter reads of a consumer: its one metrics source, its queues and its budget. */
export type WatchedConsumer = Pick<Consumer, 'workspace' | 'metrics' | 'queues' | 'tokenSource' | 'inFlight'>;

/** The worker's Prometheus metrics; names are listed in apps/worker/README.md. */
export interface WorkerMetrics {
  readonly registry: Registry;
  /**
   * Exports a consumer: its requests, 429s, latency and outcomes as its pipeline records them in
   * `consumer.metrics` (the same source its published reports read), its queue depth and bucket at scrape time.
   */
  watch(consumer: WatchedConsumer): void;
  /** Stops following the consumers' metrics. */
  close(): void;
}

/**
 * Creates the registry with every cioscale metric plus Node's defaults. Nothing here measures a request
 * itself: counters and the latency histogram follow each consumer's `PipelineMetrics`, so a 429 is the
 * one the pipeline counted, once.
 */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const consumers: WatchedConsumer[] = [];
  const subscriptions: Subscription[] = [];
  const operations = new Counter({ name: 'cioscale_operations_total', help: 'Operations with a known outcome, by status (delivered, rejected, failed).', labelNames: ['workspace', 'status'], registers: [registry] });
  const requests = new Counter({ name: 'cioscale_requests_total', help: 'HTTP requests to Customer.io (the Track or the Data Pipelines API, CIO_API), by result (ok, rate_limited, error).', labelNames: ['workspace', 'result'], registers: [registry] });
  const rateLimited = new Counter({ name: 'cioscale_rate_limited_total', help: 'Requests answered 429.', labelNames: ['workspace'], registers: [registry] });
  const latency = new Histogram({
    name: 'cioscale_request_duration_seconds',
    help: 'Track API request latency.',
    labelNames: ['workspace'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'cioscale_queue_jobs',
    help: 'Jobs in the queue by state (waiting, active, delayed, prioritized, failed, completed).',
    labelNames: ['workspace', 'shard', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const consumer of consumers) {
        for (const [shard, queue] of consumer.queues.entries()) {
          // a scrape while Redis is down must not hang: the depth is left out instead
          const counts = await Promise.race([queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'), timeout(1_000)]);
          if (!counts) continue;
          for (const [state, count] of Object.entries(counts)) this.set({ workspace: consumer.workspace, shard: String(shard), state }, count);
        }
      }
    },
  });
  new Gauge({
    name: 'cioscale_jobs_in_flight',
    help: 'Jobs this worker holds (in the micro-batcher or in a request).',
    labelNames: ['workspace'],
    registers: [registry],
    collect() {
      for (const consumer of consumers) this.set({ workspace: consumer.workspace }, consumer.inFlight());
    },
  });
  const bucket = (name: string, help: string, read: (source: TokenSource) => number): void =>
    void new Gauge({
      name,
      help,
      labelNames: ['workspace'],
      registers: [registry],
      collect() {
        for (const consumer of consumers) this.set({ workspace: consumer.workspace }, read(consumer.tokenSource));
      },
    });
  bucket('cioscale_bucket_tokens', 'Tokens in the fleet-wide bucket at the last poll.', (source) => source.state().tokens);
  bucket('cioscale_bucket_rate', 'Current fleet-wide request rate after AIMD, requests/s.', (source) => source.state().rate);
  bucket('cioscale_bucket_ceiling', 'Budget ceiling, requests/s.', (source) => source.state().ceiling);
  bucket('cioscale_bucket_paused', '1 while the fleet is paused after a 429.', (source) => (source.state().pausedUntil > 0 ? 1 : 0));

  return {
    registry,
    watch: (consumer) => {
      consumers.push(consumer);
      // every series exists from the start, so a rate() or an alert on it never sees a gap
      const workspace = consumer.workspace;
      for (const status of ['delivered', 'rejected', 'failed']) operations.inc({ workspace, status }, 0);
      for (const result of ['ok', 'rate_limited', 'error']) requests.inc({ workspace, result }, 0);
      rateLimited.inc({ workspace }, 0);
      latency.zero({ workspace });
      subscriptions.push(
        consumer.metrics.requests.subscribe(({ latencyMs, result }) => {
          requests.inc({ workspace, result });
          if (result === 'rate_limited') rateLimited.inc({ workspace });
          latency.observe({ workspace }, latencyMs / 1000);
        }),
        consumer.metrics.outcomes.subscribe((status) => operations.inc({ workspace, status })),
      );
    },
    close: () => {
      for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    },
  };
}

function timeout(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
