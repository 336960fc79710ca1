import { ConfigurationError, DEFAULT_BUDGET, type TokenBucketOptions, type TokenSource, type TokenSourceState } from '@cioscale/core';
import { asyncScheduler, Observable, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { bucketCommands, type BucketCommands, type BucketReply } from './bucketCommands.js';
import type { RedisClient } from './connection.js';
import { bucketKeys, checkName, DEFAULT_NAMESPACE } from './keys.js';
import { checkLane, type BulkWindowState, type Lane } from './lanes.js';

/**
 * Options of {@link RedisTokenSource}. The AIMD fields (`minRate`, `decreaseFactor`,
 * `increasePerSecond`, `defaultPauseMs`) and `scheduler` mean what they mean in core's `TokenBucketOptions`.
 */
export interface RedisTokenSourceOptions
  extends Pick<TokenBucketOptions, 'minRate' | 'decreaseFactor' | 'increasePerSecond' | 'defaultPauseMs' | 'scheduler'> {
  /** The workspace whose budget this is. */
  readonly workspace: string;
  /** Key namespace. @defaultValue 'cio' */
  readonly namespace?: string;
  /** Ceiling in requests/s, used only when the bucket does not exist yet (the budget in Redis wins). @defaultValue core's `DEFAULT_BUDGET.rate` (100) */
  readonly rate?: number;
  /** Burst, used only when the bucket does not exist yet. @defaultValue core's `DEFAULT_BUDGET.burst` (10) */
  readonly burst?: number;
  /** Longest wait between two polls of the bucket, in ms; a changed budget is noticed within it. @defaultValue 1000 */
  readonly maxPollMs?: number;
  /** The lane this sender takes its tokens from (see `Lane`). @defaultValue 'live' (the fleet's) */
  readonly lane?: Lane;
  /** Bulk only: whether it is inside its quiet hours now, asked at every take (`bulkWindow.ts`). @defaultValue no quiet hours */
  readonly bulkWindow?: () => BulkWindowState;
  /** Told about Redis errors (the source keeps retrying). @defaultValue ignore */
  readonly onError?: (error: unknown) => void;
}

/**
 * The request budget of a workspace, shared by every worker through Redis: core's {@link TokenSource}
 * across processes.
 *
 * An atomic Lua token bucket per workspace on Redis's clock; a 429 anywhere sets a shared "paused until"
 * key and halves the shared rate, so the whole fleet backs off together, and successes grow it back
 * (AIMD, like core's `TokenBucket`). A waiter polls at the time the bucket says a token will be there;
 * nothing is reserved ahead, so a worker killed mid-wait leaves no debt and the budget holds exactly
 * however many workers there are. While Redis is unreachable `take()` waits (no request may go out without
 * a token); unsubscribing abandons the wait at once, which is how a consumer keeps its shutdown deadline.
 *
 * Each source takes from one lane (`live` by default, `bulk` for a backfill): live first, bulk the rest
 * between its floor and ceiling (see `Lane`).
 *
 * @example
 * const tokens = new RedisTokenSource(redis, { workspace: 'default', rate: 100 });
 * deliver(envelopes$, { transport, tokenSource: tokens });
 */
export class RedisTokenSource implements TokenSource {
  private readonly commands: BucketCommands;
  private readonly keys: { readonly bucket: string; readonly paused: string };
  private readonly initArgs: [number, number];
  private readonly options: RedisTokenSourceOptions;
  private readonly scheduler: SchedulerLike;
  private last: TokenSourceState;
  private lastRewardAt = 0;
  private readonly lane: Lane;

  constructor(redis: RedisClient, options: RedisTokenSourceOptions) {
    const namespace = checkName('namespace', options.namespace ?? DEFAULT_NAMESPACE);
    this.keys = bucketKeys(namespace, checkName('workspace', options.workspace));
    const rate = options.rate ?? DEFAULT_BUDGET.rate;
    const burst = options.burst ?? DEFAULT_BUDGET.burst;
    if (!(Number.isFinite(rate) && rate > 0)) throw ConfigurationError.option('rate', 'a finite number > 0', rate);
    if (!(Number.isFinite(burst) && burst >= 1)) throw ConfigurationError.option('burst', 'a finite number ≥ 1', burst);
    const factor = options.decreaseFactor ?? 0.5;
    if (!(factor > 0 && factor <= 1)) throw ConfigurationError.option('decreaseFactor', 'a number in (0, 1]', factor);
    this.initArgs = [rate, burst];
    this.lane = checkLane('lane', options.lane ?? 'live');
    this.options = options;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.commands = bucketCommands(redis);
    this.last = { rate, ceiling: rate, tokens: burst, pausedUntil: 0 };
  }

  /** Emits the ms waited, then completes, once the fleet-wide bucket grants one request. */
  take(): Observable<number> {
    return new Observable<number>((subscriber) => {
      const startedAt = this.scheduler.now();
      let pending: Subscription | undefined;
      let failures = 0;
      // only a request's first try counts as demand: its later polls are the same request waiting
      let first = '1';
      const retryIn = (ms: number): void => {
        pending = timer(ms, this.scheduler).subscribe(attempt);
      };
      const attempt = (): void => {
        this.commands.take(this.keys.bucket, this.keys.paused, ...this.initArgs, this.lane, first, this.options.bulkWindow?.() ?? '').then(
          (reply) => {
            if (subscriber.closed) return;
            failures = 0;
            first = '0';
            const waitMs = this.remember(reply);
            if (waitMs === 0) {
              subscriber.next(this.scheduler.now() - startedAt);
              subscriber.complete();
              return;
            }
            // a little jitter keeps the fleet's waiters from polling in lockstep
            retryIn(Math.min(waitMs, this.options.maxPollMs ?? 1_000) + Math.floor(Math.random() * Math.min(waitMs, 10)));
          },
          (error: unknown) => {
            if (subscriber.closed) return;
            // Redis down: no request may go out without a token; wait for it rather than fail the pipeline
            this.options.onError?.(error);
            retryIn(Math.min(2_000, 100 * 2 ** Math.min(failures++, 4)));
          },
        );
      };
      attempt();
      return () => pending?.unsubscribe();
    });
  }

  /** A 429: pause every worker of the workspace for `retryAfterMs` (or `defaultPauseMs`) and cut the shared rate. */
  penalize(retryAfterMs?: number): void {
    const pauseMs = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : (this.options.defaultPauseMs ?? 1_000);
    this.run(this.commands.penalize, pauseMs, this.options.decreaseFactor ?? 0.5, this.options.minRate ?? '');
  }

  /** A success: grow the shared rate back towards the ceiling. Skipped while it is known to be there. */
  reward(): void {
    const now = this.scheduler.now();
    // one Redis call per 100 ms per worker is plenty: growth is computed from Redis time, not call count
    if (this.last.rate >= this.last.ceiling || now - this.lastRewardAt < 100) return;
    this.lastRewardAt = now;
    this.run(this.commands.reward, this.options.increasePerSecond ?? '');
  }

  /** The bucket as of the last Redis reply. */
  state(): TokenSourceState {
    return this.last;
  }

  /** Reads the bucket from Redis now (creating it with this source's budget if missing). */
  async refresh(): Promise<TokenSourceState> {
    this.remember(await this.commands.peek(this.keys.bucket, this.keys.paused, ...this.initArgs));
    return this.last;
  }

  private run(command: BucketCommands['take'], ...args: (string | number)[]): void {
    command(this.keys.bucket, this.keys.paused, ...this.initArgs, ...args).then(
      (reply) => void this.remember(reply),
      (error: unknown) => this.options.onError?.(error),
    );
  }

  private remember(reply: BucketReply): number {
    const [waitMs, rate, ceiling, tokens, pausedUntil] = reply;
    this.last = { rate: Number(rate), ceiling: Number(ceiling), tokens: Number(tokens), pausedUntil: Number(pausedUntil) };
    return Number(waitMs);
  }
}
