import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { TokenSource } from '@cioscale/core';
import {
  bulkWindowStates,
  connectRedis,
  describeBulkWindow,
  describeRedisTarget,
  publishBulkRun,
  RedisTokenSource,
  watchBulkControl,
  withdrawBulkRun,
  type BulkControlState,
  type BulkWindow,
  type BulkWindowState,
  type Lane,
  type RedisClient,
} from '@cioscale/queue';
import type { Observable} from 'rxjs';
import { BehaviorSubject, concat, filter, first, ignoreElements, type Subscription } from 'rxjs';

/** `--redis`: take the tokens from the workspace's budget in Redis, the one the worker fleet uses. */
export interface SharedBudgetOptions {
  /** Redis URL (may hold a password: never shown). */
  readonly redisUrl: string;
  readonly workspace: string;
  readonly namespace: string;
  /** @defaultValue 'bulk' */
  readonly lane: Lane;
  /** `--window`: quiet hours of the bulk lane. */
  readonly window: BulkWindow | undefined;
}

/** The workspace's shared budget as one import uses it; see {@link openSharedBudget}. */
export interface SharedBudget {
  /** Takes from the Redis bucket in the run's lane, and gives nothing while the run is paused. */
  readonly tokenSource: TokenSource;
  /** One line for the start notices: where the budget is, which lane, which quiet hours. */
  readonly description: string;
  /** The monitor's command for this run: `running`, `paused`, `cancelled`. Emits changes. */
  readonly control: Observable<BulkControlState>;
  /** Whether the run is paused now. */
  paused(): boolean;
  /** Publishes the run's progress for the monitor (fire and forget). */
  report(progress: { readonly rowsDone: number; readonly requests: number; readonly stopping: boolean }): void;
  close(): Promise<void>;
}

/**
 * Connects to Redis (failing at once, with the target's URL without its password, when it is unreachable)
 * and builds the import's side of the shared budget: a {@link RedisTokenSource} in the run's lane, the
 * quiet-hours state it reports, the monitor's pause/resume/cancel and the run's report.
 */
export async function openSharedBudget(options: SharedBudgetOptions, run: { readonly file: string; readonly rate: number; readonly startedAt: number }): Promise<SharedBudget> {
  const redis: RedisClient = await connectRedis(options.redisUrl, 'worker');
  redis.on('error', () => undefined);
  const runId = `${hostname()}-${process.pid}-${run.startedAt}`;
  let windowState: BulkWindowState;
  const windowSubscription: Subscription | undefined = options.window && bulkWindowStates(options.window).subscribe((state) => (windowState = state));
  const tokens = new RedisTokenSource(redis, {
    workspace: options.workspace,
    namespace: options.namespace,
    rate: run.rate,
    lane: options.lane,
    ...(options.window && { bulkWindow: () => windowState }),
  });
  await tokens.refresh();
  const state = new BehaviorSubject<BulkControlState>('running');
  const control = watchBulkControl(redis, options.workspace, { namespace: options.namespace, startedAt: run.startedAt });
  const controlSubscription = control.subscribe(state);
  // a pause holds new requests only: those granted already are in flight and finish
  const running = state.pipe(filter((value) => value !== 'paused'), first(), ignoreElements());
  const tokenSource: TokenSource = {
    take: () => concat(running, tokens.take()),
    penalize: (retryAfterMs) => tokens.penalize(retryAfterMs),
    reward: () => tokens.reward(),
    state: () => tokens.state(),
  };
  const window = options.window ? `; quiet hours ${describeBulkWindow(options.window)} (bulk may use the whole budget inside them, its floor outside)` : '';
  return {
    tokenSource,
    description: `shared budget of workspace "${options.workspace}" in Redis ${describeRedisTarget(options.redisUrl)} (namespace ${options.namespace}, ${tokens.state().ceiling} req/s), lane ${options.lane}${window}`,
    control: state.asObservable(),
    paused: () => state.value === 'paused',
    report: ({ rowsDone, requests, stopping }) => {
      const reported = stopping ? 'stopping' : state.value === 'paused' ? 'paused' : 'running';
      void publishBulkRun(
        redis,
        options.workspace,
        { runId, source: basename(run.file), host: hostname(), pid: process.pid, startedAt: run.startedAt, state: reported, rowsDone, requests },
        options.namespace,
      ).catch(() => undefined);
    },
    close: async () => {
      controlSubscription.unsubscribe();
      windowSubscription?.unsubscribe();
      state.complete();
      await withdrawBulkRun(redis, options.workspace, runId, options.namespace).catch(() => undefined);
      redis.disconnect();
    },
  };
}
