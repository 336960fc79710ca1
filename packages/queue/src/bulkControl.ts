import type { Observable} from 'rxjs';
import { asyncScheduler, distinctUntilChanged, from, map, switchMap, timer, catchError, EMPTY, type SchedulerLike } from 'rxjs';
import type { RedisClient } from './connection.js';
import { bulkRunKeys, checkName, DEFAULT_NAMESPACE } from './keys.js';

/** What the monitor asks of a workspace's bulk runs. */
export type BulkCommand = 'pause' | 'resume' | 'cancel';

/** The state a bulk run follows: `cancelled` applies to runs started before it was set. */
export type BulkControlState = 'running' | 'paused' | 'cancelled';

/** The control of a workspace's bulk runs as stored. */
export interface BulkControl {
  readonly state: BulkControlState;
  /** When it was set, ms since the epoch (0: never). */
  readonly at: number;
}

const STATE_OF: Record<BulkCommand, BulkControlState> = { pause: 'paused', resume: 'running', cancel: 'cancelled' };

function keysOf(workspace: string, namespace: string) {
  return bulkRunKeys(checkName('namespace', namespace), checkName('workspace', workspace));
}

/**
 * Pauses, resumes or cancels every bulk run of a workspace (the monitor's keys). A paused run finishes its
 * requests in flight, checkpoints and sends nothing until resumed; a cancelled run stops like Ctrl-C, so
 * `--resume` continues it. A pause also holds runs started later; a cancel only those already running.
 */
export async function setBulkControl(redis: RedisClient, workspace: string, command: BulkCommand, namespace = DEFAULT_NAMESPACE): Promise<BulkControl> {
  const control: BulkControl = { state: STATE_OF[command], at: Date.now() };
  await redis.hset(keysOf(workspace, namespace).control, 'state', control.state, 'at', String(control.at));
  return control;
}

/** Reads the control of a workspace's bulk runs; `running` when none was ever set. */
export async function readBulkControl(redis: RedisClient, workspace: string, namespace = DEFAULT_NAMESPACE): Promise<BulkControl> {
  const [state, at] = await redis.hmget(keysOf(workspace, namespace).control, 'state', 'at');
  return { state: state === 'paused' || state === 'cancelled' ? state : 'running', at: Number(at) || 0 };
}

/**
 * What one run follows, polled every `everyMs` (a command is seen within it): `cancelled` only when the
 * cancel came after the run started (a run started after a cancel — `--resume` — runs). Emits changes only;
 * a Redis error keeps the last state (a run is not stopped or resumed by a hiccup).
 */
export function watchBulkControl(
  redis: RedisClient,
  workspace: string,
  options: { readonly namespace?: string; readonly startedAt: number; readonly everyMs?: number; readonly scheduler?: SchedulerLike },
): Observable<'running' | 'paused' | 'cancelled'> {
  return timer(0, options.everyMs ?? 250, options.scheduler ?? asyncScheduler).pipe(
    switchMap(() => from(readBulkControl(redis, workspace, options.namespace)).pipe(catchError(() => EMPTY))),
    map((control) => (control.state === 'cancelled' && control.at < options.startedAt ? 'running' : control.state)),
    distinctUntilChanged(),
  );
}

/** What a bulk run publishes about itself. */
export interface BulkRunReport {
  readonly runId: string;
  /** What is being imported (a file name, never a path with secrets). */
  readonly source: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly state: 'running' | 'paused' | 'stopping';
  readonly rowsDone: number;
  readonly requests: number;
}

const RUN_TTL_MS = 5_000;

/** Publishes (replaces) a bulk run's report; it expires {@link RUN_TTL_MS} after the last one. */
export async function publishBulkRun(redis: RedisClient, workspace: string, report: BulkRunReport, namespace = DEFAULT_NAMESPACE): Promise<void> {
  const keys = keysOf(workspace, namespace);
  const now = Date.now();
  await redis
    .multi()
    .set(keys.run(report.runId), JSON.stringify(report), 'PX', RUN_TTL_MS)
    .zadd(keys.runs, now, report.runId)
    .zremrangebyscore(keys.runs, '-inf', now - RUN_TTL_MS)
    .exec();
}

/** Removes a bulk run's report (it ended). */
export async function withdrawBulkRun(redis: RedisClient, workspace: string, runId: string, namespace = DEFAULT_NAMESPACE): Promise<void> {
  const keys = keysOf(workspace, namespace);
  await redis.multi().del(keys.run(runId)).zrem(keys.runs, runId).exec();
}

/** The bulk runs of a workspace that reported within the last few seconds (the monitor). */
export async function readBulkRuns(redis: RedisClient, workspace: string, namespace = DEFAULT_NAMESPACE): Promise<BulkRunReport[]> {
  const keys = keysOf(workspace, namespace);
  const ids = await redis.zrangebyscore(keys.runs, Date.now() - RUN_TTL_MS, '+inf');
  if (ids.length === 0) return [];
  const values = await redis.mget(...ids.map((id) => keys.run(id)));
  return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as BulkRunReport);
}
