import { useInput, type Key } from 'ink';
import { useRef } from 'react';
import type { MonitorBackend } from '../model/monitorSource.js';
import type { MonitorView } from '../model/view.js';

/** What the user has selected on screen. */
export interface Selection {
  readonly workspace: string | undefined;
  readonly shard: number;
  readonly showDeadLetters: boolean;
}

/** Inputs of {@link useMonitorKeys}. */
export interface MonitorKeysOptions {
  readonly view: MonitorView | undefined;
  readonly selection: Selection;
  readonly select: (next: Selection) => void;
  readonly backend: Pick<MonitorBackend, 'setBudget' | 'setPaused' | 'controlBulk' | 'setLaneShares'>;
  /** `+`/`-` step, requests/s. */
  readonly budgetStep: number;
  /** Reports what a key did (or why it could not), for the log above the screen. */
  readonly notify: (message: string, failed?: boolean) => void;
  /** Called after an action so the screen shows its effect without waiting for the next tick. */
  readonly refresh: () => void;
  readonly quit: () => void;
  /** False when stdin cannot be put in raw mode (not a terminal): keys are then off. */
  readonly isActive: boolean;
}

/**
 * The monitor's keys: `q` quit, `tab`/shift-tab workspace, `↑`/`↓` queue, `p` pause/resume that queue,
 * `+`/`-` budget, `d` dead-letter samples; bulk lane: `b` pause/resume the bulk runs, `x` cancel them, `[`/`]`
 * bulk floor ∓5 %, `{`/`}` bulk ceiling ∓10 %. All go to Redis, so every worker and importer follows.
 */
export function useMonitorKeys(options: MonitorKeysOptions): void {
  const { view, selection, select, backend, budgetStep, notify, refresh, quit } = options;
  // budgets asked for but not read back yet: a quick `++` must step twice, not set the same value twice
  const requested = useRef(new Map<string, number>());
  const workspace = view?.workspaces.find((candidate) => candidate.name === selection.workspace) ?? view?.workspaces[0];
  const act = (action: Promise<unknown>, done: string): void =>
    void action.then(
      () => {
        notify(done);
        refresh();
      },
      (error: unknown) => notify(`${done} failed: ${error instanceof Error ? error.message : String(error)}`, true),
    );
  const press = (input: string, key: Key): void => {
    if (input === 'q') return quit();
    if (input === 'd') return select({ ...selection, showDeadLetters: !selection.showDeadLetters });
    const names = view?.workspaces.map((candidate) => candidate.name) ?? [];
    if (key.tab && names.length > 0) {
      const at = workspace ? names.indexOf(workspace.name) : 0;
      const next = names[(at + (key.shift ? names.length - 1 : 1)) % names.length];
      return select({ ...selection, workspace: next, shard: 0 });
    }
    if (!workspace) return;
    const shards = workspace.reading.queues.length;
    if (key.upArrow || key.downArrow) return select({ ...selection, workspace: workspace.name, shard: (selection.shard + (key.upArrow ? shards - 1 : 1)) % Math.max(1, shards) });
    if (input === 'p') {
      const queue = workspace.reading.queues[selection.shard];
      if (!queue || !view?.connected) return notify(`cannot pause: ${queue ? 'Redis is not connected' : 'no queue selected'}`, true);
      return act(backend.setPaused(workspace.name, queue.shard, !queue.paused), `${queue.paused ? 'resumed' : 'paused'} queue ${workspace.name}/${queue.shard}`);
    }
    if (input === 'b' || input === 'x') {
      if (!backend.controlBulk || !view?.connected) return notify('cannot control bulk runs: Redis is not connected', true);
      const state = workspace.reading.bulk?.control.state ?? 'running';
      const command = input === 'x' ? 'cancel' : state === 'paused' ? 'resume' : 'pause';
      const done = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' }[command];
      return act(backend.controlBulk(workspace.name, command), `${done} the bulk runs of ${workspace.name}`);
    }
    if (input === '[' || input === ']' || input === '{' || input === '}') {
      const lanes = workspace.reading.lanes;
      if (!backend.setLaneShares || !lanes || !view?.connected) return notify(`cannot change the bulk lane of ${workspace.name}: ${lanes ? 'Redis is not connected' : 'no budget in Redis yet'}`, true);
      const round = (value: number): number => Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
      if (input === '[' || input === ']') {
        const floor = round(lanes.bulk.floor + (input === ']' ? 0.05 : -0.05));
        return act(backend.setLaneShares(workspace.name, { floor }), `bulk floor of ${workspace.name}: ${Math.round(lanes.bulk.floor * 100)} → ${Math.round(floor * 100)} %`);
      }
      const ceiling = round(lanes.bulk.ceiling + (input === '}' ? 0.1 : -0.1));
      return act(backend.setLaneShares(workspace.name, { ceiling }), `bulk ceiling of ${workspace.name}: ${Math.round(lanes.bulk.ceiling * 100)} → ${Math.round(ceiling * 100)} %`);
    }
    if (input === '+' || input === '=' || input === '-' || input === '_') {
      const budget = workspace.reading.budget;
      if (!budget || !view?.connected) return notify(`cannot change the budget of ${workspace.name}: ${budget ? 'Redis is not connected' : 'no budget in Redis yet'}`, true);
      // once Redis shows what we asked for, Redis is the truth again (another operator may change it later)
      if (requested.current.get(workspace.name) === budget.ceiling) requested.current.delete(workspace.name);
      const from = requested.current.get(workspace.name) ?? budget.ceiling;
      const rate = Math.max(1, from + (input === '+' || input === '=' ? budgetStep : -budgetStep));
      requested.current.set(workspace.name, rate);
      return act(backend.setBudget(workspace.name, rate), `budget of ${workspace.name}: ${from} → ${rate} req/s`);
    }
  };
  // Ink re-subscribes a new handler in an effect after each render; a key arriving before that effect ran
  // would meet the previous render's selection. A ref always holds this render's handler.
  const latest = useRef(press);
  latest.current = press;
  useInput(
    (input, key) => {
      // keys typed faster than Ink reads them (or pasted) arrive as one string: `++` is two presses
      const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
      for (const char of presses) latest.current(char, key);
    },
    { isActive: options.isActive },
  );
}
