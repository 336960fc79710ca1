/**
 * `pnpm run dlq -- list|export|replay`: the dead letter of a workspace's queues.
 * Reads REDIS_URL / REDIS_CLUSTER_NODES, CIO_QUEUE_NAMESPACE and CIO_WORKSPACES_FILE like the worker.
 * Exits 1 with a one-line reason when Redis is unreachable (after 3 s) or stops answering (5 s a command).
 */
import { Command, InvalidArgumentError } from 'commander';
import { cliArgv } from './argv.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { connectRedis, DeadLetter, DEFAULT_NAMESPACE, defaultWorkspace, loadWorkspaces, queueLocation, redisTargetFromEnv, replayDeadLetters, type OperationJobData } from '@cioscale/queue';

const program = new Command('dlq').description('Inspect, export and replay dead-lettered operations.').option('-w, --workspace <name>', 'workspace', 'default');
const positive = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('an integer ≥ 1');
  return number;
};

async function withDeadLetters<T>(run: (entries: { deadLetter: DeadLetter; queue: Queue<OperationJobData> }[]) => Promise<T>): Promise<T> {
  const namespace = process.env['CIO_QUEUE_NAMESPACE']?.trim() || DEFAULT_NAMESPACE;
  const file = process.env['CIO_WORKSPACES_FILE']?.trim();
  const name = program.opts<{ workspace: string }>().workspace;
  const workspace = (file ? loadWorkspaces(file) : [defaultWorkspace()]).find((candidate) => candidate.name === name);
  if (!workspace) throw new Error(`no workspace named "${name}"`);
  // the producer role fails fast: a command Redis does not answer rejects instead of waiting forever
  const redis = await connectRedis(redisTargetFromEnv(), 'producer', { timeoutMs: 3_000 });
  redis.on('error', () => undefined);
  const entries = Array.from({ length: workspace.shards }, (_, shard) => {
    const location = queueLocation(namespace, workspace.name, shard);
    return { deadLetter: new DeadLetter(redis, location), queue: new Queue<OperationJobData>(location.name, { connection: redis, prefix: location.prefix }) };
  });
  try {
    return await run(entries);
  } finally {
    // a Redis gone mid-command must not hold the exit
    await Promise.race([Promise.all(entries.map(({ queue }) => queue.close())), sleep(1_000, undefined, { ref: false })]);
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
      for (const { deadLetter, queue } of entries) {
        total += (await replayDeadLetters(deadLetter, queue, { ...(options.id && { ids: options.id }), ...(options.limit && { limit: options.limit }) })).length;
      }
      process.stdout.write(`replayed ${total} operation(s)\n`);
    }),
  );

program.parseAsync(cliArgv()).catch((error: unknown) => {
  process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
