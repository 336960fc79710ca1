import type { GatewayReport, GatewayWorkspaceReport } from '@cioscale/queue';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RefusalReason } from './answers.js';
import type { BacklogWatch } from './backlog.js';
import { LatencyHistogram } from './latencyHistogram.js';

/** How a call ended, as counted. */
export type CallOutcome = 'accepted' | 'partial' | RefusalReason;

/** Calls or operations of one label set counted since the counter's last `collect`. */
interface PendingCount {
  readonly labels: { readonly workspace: string; readonly outcome: string };
  count: number;
}

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
 * `cioscale_gateway_backpressure{workspace}` (1 while answering 429, for either limit), `cioscale_gateway_in_flight`;
 * with the drain-ETA limit on, `cioscale_gateway_drain_rate{workspace}` (operations/s the workers finish),
 * `cioscale_gateway_drain_eta_seconds{workspace}` (+Inf while nothing drains) and
 * `cioscale_gateway_drain_eta_limit_seconds{workspace}` (GATEWAY_MAX_DRAIN_SECONDS).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'workspace' | 'outcome'>;
  private readonly operations: Counter<'workspace' | 'outcome'>;
  private readonly latency: LatencyHistogram;
  private readonly totals = new Map<string, Totals>();
  /**
   * Counts not yet added to the two counters, by workspace then outcome: prom-client builds and looks up a label
   * hash on every `inc` (~0.5 µs each, twice a call); each counter takes its counts in its `collect`, before every scrape.
   */
  private readonly pending = { requests: new Map<string, Map<string, PendingCount>>(), operations: new Map<string, Map<string, PendingCount>>() };
  private previous = new Map<string, Totals>();
  private previousAt = Date.now();
  inFlight = 0;

  constructor(workspaces: readonly string[], backlog: BacklogWatch) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const flush = (counter: 'requests' | 'operations'): void => this.flushPending(counter);
    this.requests = new Counter({
      name: 'cioscale_gateway_requests_total',
      help: 'Track API calls answered, by outcome (accepted, partial, or the reason of a refusal).',
      labelNames: ['workspace', 'outcome'],
      registers,
      collect: () => flush('requests'),
    });
    this.operations = new Counter({
      name: 'cioscale_gateway_operations_total',
      help: 'Operations of the calls, by outcome (accepted = persisted in Redis, rejected = refused at the door).',
      labelNames: ['workspace', 'outcome'],
      registers,
      collect: () => flush('operations'),
    });
    this.latency = new LatencyHistogram(
      'cioscale_gateway_request_duration_seconds',
      'Time from a call received to its answer written, by outcome.',
      [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
      this.registry,
    );
    // a workspace whose value is unknown (the ETA limit off, the rate not measured yet) has no sample
    const gauge = (name: string, help: string, read: (workspace: string) => number | undefined): void =>
      void new Gauge({
        name,
        help,
        labelNames: ['workspace'],
        registers,
        collect() {
          this.reset();
          for (const workspace of workspaces) {
            const value = read(workspace);
            if (value !== undefined) this.set({ workspace }, value);
          }
        },
      });
    gauge('cioscale_gateway_backlog', 'Operations not yet delivered in the workspace queue, as the gateway last read it (plus what it accepted since).', (workspace) => backlog.state(workspace).depth);
    gauge('cioscale_gateway_backlog_limit', 'Backlog past which calls are answered 429 (GATEWAY_MAX_BACKLOG).', (workspace) => backlog.state(workspace).limit);
    gauge('cioscale_gateway_backpressure', '1 while calls of the workspace are answered 429 (backlog depth or drain ETA past its limit).', (workspace) => (backlog.state(workspace).over ? 1 : 0));
    gauge('cioscale_gateway_drain_rate', 'Operations per second the workers finished for the workspace over the drain window, from their reports.', (workspace) => backlog.state(workspace).drainPerSecond);
    gauge('cioscale_gateway_drain_eta_seconds', 'Backlog over the drain rate: how long the workers need to deliver what waits (+Inf while nothing drains).', (workspace) => backlog.state(workspace).etaSeconds);
    gauge('cioscale_gateway_drain_eta_limit_seconds', 'Drain ETA past which calls are answered 429 (GATEWAY_MAX_DRAIN_SECONDS).', (workspace) => backlog.state(workspace).maxDrainSeconds);
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
    this.tally('requests', workspace, outcome, 1);
    this.latency.observe(outcome, seconds);
    if (operations.accepted > 0) this.tally('operations', workspace, 'accepted', operations.accepted);
    if (operations.rejected > 0) this.tally('operations', workspace, 'rejected', operations.rejected);
    const totals = (this.totals.get(workspace) ?? this.totals.get('')) as Totals;
    if (outcome === 'accepted' || outcome === 'partial') totals.accepted++;
    else totals.refused[outcome] = (totals.refused[outcome] ?? 0) + 1;
    totals.acceptedOperations += operations.accepted;
  }

  private tally(counter: 'requests' | 'operations', workspace: string, outcome: string, count: number): void {
    let byOutcome = this.pending[counter].get(workspace);
    if (!byOutcome) this.pending[counter].set(workspace, (byOutcome = new Map<string, PendingCount>()));
    const entry = byOutcome.get(outcome);
    if (entry) entry.count += count;
    else byOutcome.set(outcome, { labels: { workspace, outcome }, count });
  }

  private flushPending(counter: 'requests' | 'operations'): void {
    const metric = counter === 'requests' ? this.requests : this.operations;
    for (const byOutcome of this.pending[counter].values()) {
      for (const entry of byOutcome.values()) {
        if (entry.count === 0) continue;
        metric.inc(entry.labels, entry.count);
        entry.count = 0;
      }
    }
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
        ...(state.reason && { refusal: state.reason }),
        ...(state.drainPerSecond !== undefined && { drainPerSecond: state.drainPerSecond }),
        // JSON has no Infinity: null says nothing drains
        ...(state.etaSeconds !== undefined && { drainEtaSeconds: Number.isFinite(state.etaSeconds) ? state.etaSeconds : null }),
        ...(state.maxDrainSeconds !== undefined && { maxDrainSeconds: state.maxDrainSeconds }),
      };
    }
    const unattributed = rates(this.totals.get('') as Totals, this.previous.get('')).refused;
    this.previous = new Map([...this.totals].map(([name, totals]) => [name, { ...totals, refused: { ...totals.refused } }]));
    this.previousAt = now;
    return { ...identity, unattributedPerSecond: unattributed, workspaces };
  }
}
