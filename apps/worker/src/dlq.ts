/**
 * `pnpm run dlq -- list|export|replay`: the dead letter of a workspace's queues.
 * Reads REDIS_URL / REDIS_CLUSTER_NODES, CIO_QUEUE_NAMESPACE and CIO_WORKSPACES_FILE like the worker.
 * Exits 1 with a one-line reason when Redis is unreachable (after 3 s) or stops answering (5 s a command).
 */
import { Command, InvalidArgumentError } from 'commander';
import { cliArgv } from './argv.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, DEFAULT_NAMESPACE, defaultWorkspace, loadWorkspaces, QueueShards, redisTargetFromEnv, type DeadLetter, type ReplayOptions } from '@cioscale/queue';

const program = new Command('dlq').description('Inspect, export and replay dead-lettered operations.').option('-w, --workspace <name>', 'workspace', 'default');
const positive = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('an integer ≥ 1');
  return number;
};

/** One shard's dead letter, and its replay into the shard's queue. */
interface ShardDeadLetter {
  readonly deadLetter: DeadLetter;
  readonly replay: (options: ReplayOptions) => Promise<string[]>;
}

async function withDeadLetters<T>(run: (entries: ShardDeadLetter[]) => Promise<T>): Promise<T> {
  const namespace = process.env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE;
  const file = process.env['CIO_WORKSPACES_FILE']?.trim();
  const name = program.opts<{ workspace: string }>().workspace;
  const workspace = (file ? loadWorkspaces(file) : [defaultWorkspace()]).find((candidate) => candidate.name === name);
  if (!workspace) throw new Error(`no workspace named "${name}"`);
  // the producer role fails fast: a command Redis does not answer rejects instead of waiting forever
  const redis = await connectRedis(redisTargetFromEnv(), 'producer', { timeoutMs: 3_000 });
  redis.on('error', () => undefined);
  const shards = new QueueShards(redis, namespace);
  const entries = Array.from({ length: workspace.shards }, (_, shard): ShardDeadLetter => ({
    deadLetter: shards.deadLetter(workspace.name, shard),
    replay: (options) => shards.replayDeadLetters(workspace.name, shard, options),
  }));
  try {
    return await run(entries);
  } finally {
    // a Redis gone mid-command must not hold the exit
    await Promise.race([shards.close(), sleep(1_000, undefined, { ref: false })]);
    redis.disconnect();
  }
}

program
  .command('list')
  .description('print a count and the oldest records, one line each')
  .option('-n, --limit <n>', 'records per shard', positive, 20)
  .action((options: { limit: number }) =>
    withDeadLetters(async (entries) => {
      for (const { deadLetter } of entries) {
        process.stdout.write(`${deadLetter.location.prefix}: ${await deadLetter.count()} dead-lettered\n`);
        for (const record of await deadLetter.list(0, options.limit)) {
          process.stdout.write(`${record.id}  ${record.status}  ${record.reason}${record.field ? ` (${record.field})` : ''}  ${record.message}\n`);
        }
      }
    }),
  );

program
  .command('export')
  .description('write every record as JSON Lines to stdout')
  .action(() =>
    withDeadLetters(async (entries) => {
      for (const { deadLetter } of entries) for await (const record of deadLetter.entries()) process.stdout.write(`${JSON.stringify(record)}\n`);
    }),
  );

program
  .command('replay')
  .description('re-enqueue records with their original ids (deduplicated by Customer.io) and remove them from the dead letter')
  .option('--id <id...>', 'only these ids')
  .option('-n, --limit <n>', 'at most this many per shard', positive)
  .action((options: { id?: string[]; limit?: number }) =>
    withDeadLetters(async (entries) => {
      let total = 0;
      for (const { replay } of entries) {
        total += (await replay({ ...(options.id && { ids: options.id }), ...(options.limit && { limit: options.limit }) })).length;
      }
      process.stdout.write(`replayed ${total} operation(s)\n`);
    }),
  );

program.parseAsync(cliArgv()).catch((error: unknown) => {
  process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
