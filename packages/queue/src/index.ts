// Connections and keys.
export { checkRedisTarget, connectRedis, createRedisClient, describeRedisTarget, redisTargetFromEnv, type ConnectionRole, type RedisClient, type RedisClientOptions, type RedisTarget } from './connection.js';
export { bucketKeys, bulkRunKeys, checkName, deadLetterKeys, DEFAULT_NAMESPACE, DEFAULT_WORKSPACE, metricsKeys, QUEUE_NAME, queueLocation, waitListKey, type QueueLocation } from './keys.js';
export { QueueUnavailableError } from './errors.js';
export { CONSUMER_DEFAULTS } from './defaults.js';

// Workspaces and routing.
export { chooseWorkspaces, defaultWorkspace, loadWorkspaces, parseWorkspaces, type ResolvedWorkspace, type WorkspaceConfig } from './workspaces.js';
export { shardOf } from './shardOf.js';

// Producing.
export { createProducer, type EnqueueRequest, type Producer, type ProducerOptions } from './producer.js';
export { bullJobOptions, jobIdOf, type OperationJobData, type OperationJobOptions } from './jobData.js';
export { jobEnvelope, type InvalidJob } from './jobEnvelope.js';

// The fleet-wide budget.
export { RedisTokenSource, type RedisTokenSourceOptions } from './redisTokenSource.js';
export { applyConfiguredBudget, readBudget, setBudget, type BudgetReading } from './budget.js';
export { checkLane, LANES, readLanes, setLaneShares, type BulkWindowState, type Lane, type LaneReading, type LanesReading } from './lanes.js';
export { publishBulkRun, readBulkControl, readBulkRuns, setBulkControl, watchBulkControl, withdrawBulkRun, type BulkCommand, type BulkControl, type BulkControlState, type BulkRunReport } from './bulkControl.js';
export { bulkWindowStates, describeBulkWindow, insideBulkWindow, localTimeZone, parseBulkWindow, type BulkWindow } from './bulkWindow.js';

// Consuming, dead letter, metrics.
export { createConsumer, type Consumer, type ConsumerOptions } from './consumer.js';
export type { Pending, Verdict } from './jobFate.js';
export { DeadLetter, type DeadLetterRecord } from './deadLetter.js';
export { replayDeadLetters, type ReplayOptions } from './replay.js';
export { MetricsChannel, type WorkerReport } from './metricsChannel.js';

// Watching the fleet (the monitor, the dlq tool): reading writes nothing; only `QueueShards.setPaused`,
// `QueueShards.replayDeadLetters` and `setBudget` act.
export { QueueShards, type JobCounts, type QueueReading } from './queueShards.js';
export { readDeadLetterSamples, type DeadLetterSample, type DeadLetterSummary } from './readDeadLetterSamples.js';
export { readLiveWorkers, type WorkerReading } from './readLiveWorkers.js';

// The ingest gateway's reports (apps/gateway publishes, the monitor reads).
export { GatewayChannel, gatewayReportKeys, type GatewayReport, type GatewayWorkspaceReport } from './gatewayChannel.js';
