import type { GatewayReport, GatewayWorkspaceReport } from '@cioscale/queue';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RefusalReason } from './answers.js';
import type { BacklogWatch } from './backlog.js';

/** How a call ended, as counted. */
export type CallOutcome = 'accepted' | 'partial' | RefusalReason;

interface Totals {
  accepted: number;
  acceptedOperations: number;
  refused: Record<string, number>;
}

/**
 * The gateway's one record of what it answered: it feeds the Prometheus exporter and the reports published
 * to the monitor, so both tell the same numbers. Names: `cioscale_gateway_requests_total{workspace, outcome}`,
 * `cioscale_gateway_operations_total{workspace, outcome}`, `cioscale_gateway_request_duration_seconds{outcome}`,
 * `cioscale_gateway_backlog{workspace}`, `cioscale_gateway_backlog_limit{workspace}`,
 * `cioscale_gateway_backpressure{workspace}` (1 while answering 429), `cioscale_gateway_in_flight`.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'workspace' | 'outcome'>;
  private readonly operations: Counter<'workspace' | 'outcome'>;
  private readonly latency: Histogram<'outcome'>;
  private readonly totals = new Map<string, Totals>();
  private previous = new Map<string, Totals>();
  private previousAt = Date.now();
  inFlight = 0;

  constructor(workspaces: readonly string[], backlog: BacklogWatch) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'cioscale_gateway_requests_total', help: 'Track API calls answered, by outcome (accepted, partial, or the reason of a refusal).', labelNames: ['workspace', 'outcome'], registers });
    this.operations = new Counter({ name: 'cioscale_gateway_operations_total', help: 'Operations of the calls, by outcome (accepted = persisted in Redis, rejected = refused at the door).', labelNames: ['workspace', 'outcome'], registers });
    this.latency = new Histogram({
      name: 'cioscale_gateway_request_duration_seconds',
      help: 'Time from a call received to its answer written, by outcome.',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    const gauge = (name: string, help: string, read: (workspace: string) => number): void =>
      void new Gauge({
        name,
        help,
        labelNames: ['workspace'],
        registers,
        collect() {
          for (const workspace of workspaces) this.set({ workspace }, read(workspace));
        },
      });
    gauge('cioscale_gateway_backlog', 'Operations not yet delivered in the workspace queue, as the gateway last read it (plus what it accepted since).', (workspace) => backlog.state(workspace).depth);
    gauge('cioscale_gateway_backlog_limit', 'Backlog past which calls are answered 429 (GATEWAY_MAX_BACKLOG).', (workspace) => backlog.state(workspace).limit);
    gauge('cioscale_gateway_backpressure', '1 while calls of the workspace are answered 429.', (workspace) => (backlog.state(workspace).over ? 1 : 0));
    const inFlight = (): number => this.inFlight;
    new Gauge({
      name: 'cioscale_gateway_in_flight',
      help: 'Calls received and not yet answered.',
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    for (const workspace of workspaces) this.totals.set(workspace, { accepted: 0, acceptedOperations: 0, refused: {} });
    this.totals.set('', { accepted: 0, acceptedOperations: 0, refused: {} });
  }

  /**
   * Records one answered call. `workspace` is '' when the call named none (wrong credentials, unknown path).
   * @param seconds - from receipt to answer
   */
  record(workspace: string, outcome: CallOutcome, seconds: number, operations: { accepted: number; rejected: number } = { accepted: 0, rejected: 0 }): void {
    this.requests.inc({ workspace, outcome });
    this.latency.observe({ outcome }, seconds);
    if (operations.accepted > 0) this.operations.inc({ workspace, outcome: 'accepted' }, operations.accepted);
    if (operations.rejected > 0) this.operations.inc({ workspace, outcome: 'rejected' }, operations.rejected);
    const totals = (this.totals.get(workspace) ?? this.totals.get('')) as Totals;
    if (outcome === 'accepted' || outcome === 'partial') totals.accepted++;
    else totals.refused[outcome] = (totals.refused[outcome] ?? 0) + 1;
    totals.acceptedOperations += operations.accepted;
  }

  /** The report to publish: totals, and rates since the previous call. */
  report(identity: Pick<GatewayReport, 'gatewayId' | 'host' | 'pid' | 'startedAt'>, backlog: BacklogWatch): GatewayReport {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.previousAt) / 1000);
    const rates = (current: Totals, before: Totals | undefined): { accepted: number; refused: Record<string, number> } => ({
      accepted: (current.accepted - (before?.accepted ?? 0)) / seconds,
      refused: Object.fromEntries(Object.entries(current.refused).map(([reason, count]) => [reason, (count - (before?.refused[reason] ?? 0)) / seconds])),
    });
    const workspaces: Record<string, GatewayWorkspaceReport> = {};
    for (const [name, current] of this.totals) {
      if (name === '') continue;
      const rate = rates(current, this.previous.get(name));
      const state = backlog.state(name);
      workspaces[name] = {
        accepted: current.accepted,
        acceptedOperations: current.acceptedOperations,
        refused: { ...current.refused },
        acceptedPerSecond: rate.accepted,
        refusedPerSecond: rate.refused,
        backlog: state.depth,
        backlogLimit: state.limit,
        refusing: state.over,
      };
    }
    const unattributed = rates(this.totals.get('') as Totals, this.previous.get('')).refused;
    this.previous = new Map([...this.totals].map(([name, totals]) => [name, { ...totals, refused: { ...totals.refused } }]));
    this.previousAt = now;
    return { ...identity, unattributedPerSecond: unattributed, workspaces };
  }
}
