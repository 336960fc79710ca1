/**
 * One Lua script that adds a batch of plain jobs: for each job it runs, in order, what BullMQ's
 * `addStandardJob` script (bullmq/dist/cjs/commands/addStandardJob-9.lua, with its includes `storeJob`,
 * `getOrSetMaxEvents`, `getTargetQueueList`, `addJobInTargetList`, `handleDuplicatedJob`) runs for a job
 * without delay, priority, parent, repeat or deduplication — the only jobs the producer adds — writing the
 * same keys, fields and events. test/addStandardJobs.test.ts compares the result with `Queue.addBulk`'s field
 * by field, so a BullMQ upgrade that changes what its script writes fails there.
 *
 * Why a script of our own: in Redis each `EVALSHA` of BullMQ's script cost ~35 µs of setup and argument
 * decoding around ~9 µs of actual commands (INFO commandstats, docs/benchmarks.md "Session 7"); one call per
 * batch pays that once. What is read once per batch instead of once per job (the events' max length, whether
 * the queue is paused or at its concurrency) cannot change during a script, which runs atomically; for the
 * same reason the id counter's INCR per job, the LPUSH per job and the marker's ZADD per job are one command
 * each, leaving what BullMQ's calls leave.
 *
 * KEYS: BullMQ's nine (wait, paused, meta, id, completed, delayed, active, events, marker).
 * ARGV: [1] the queue's key prefix (`bull:<name>:`), [2] the timestamp (ms), [3] the jobs' options as JSON (the
 * object BullMQ msgpacks), with [4] as their job id, then per job three values: its id, its name, its data as JSON.
 * Returns the number of jobs added (duplicates excluded).
 */
export const ADD_STANDARD_JOBS_LUA = `
local rcall = redis.call
local eventsKey = KEYS[8]
local metaKey = KEYS[3]
local prefix = ARGV[1]
local timestamp = ARGV[2]

-- getOrSetMaxEvents
local maxEvents = rcall("HGET", metaKey, "opts.maxLenEvents")
if not maxEvents then
  maxEvents = 10000
  rcall("HSET", metaKey, "opts.maxLenEvents", maxEvents)
end

-- getTargetQueueList
local target = KEYS[1]
local isPausedOrMaxed = false
local queueAttributes = rcall("HMGET", metaKey, "paused", "concurrency")
if queueAttributes[1] then
  target = KEYS[2]
  isPausedOrMaxed = true
elseif queueAttributes[2] then
  isPausedOrMaxed = rcall("LLEN", KEYS[7]) >= tonumber(queueAttributes[2])
end

-- storeJob's options: every job of a call has the same ones but its id, so they are decoded and encoded once
-- with a placeholder id, which each job's own id (encoded as cjson encodes it) replaces: the same bytes as
-- cjson.encode of each job's own options, as the keys and their order are the same
local template = cjson.encode(cjson.decode(ARGV[3]))
local marker = cjson.encode(ARGV[4])
local at = string.find(template, marker, 1, true)
local optsBefore = string.sub(template, 1, at - 1)
local optsAfter = string.sub(template, at + #marker)

-- BullMQ's INCR per job (duplicates too), as one command and first, as BullMQ's comes before any write: the
-- same counter, seen by no one in between, as the script runs atomically
rcall("INCRBY", KEYS[4], (#ARGV - 4) / 3)

local ids = {}
for i = 5, #ARGV, 3 do
  local jobId = ARGV[i]
  local name = ARGV[i + 1]
  local jobIdKey = prefix .. jobId
  if rcall("EXISTS", jobIdKey) == 1 then
    -- handleDuplicatedJob for a job without a parent: the first job stays, an event says so
    rcall("XADD", eventsKey, "MAXLEN", "~", maxEvents, "*", "event", "duplicated", "jobId", jobId)
  else
    -- storeJob
    rcall("HMSET", jobIdKey, "name", name, "data", ARGV[i + 2], "opts", optsBefore .. cjson.encode(jobId) .. optsAfter,
      "timestamp", timestamp, "delay", 0, "priority", 0)
    rcall("XADD", eventsKey, "*", "event", "added", "jobId", jobId, "name", name)
    ids[#ids + 1] = jobId
    rcall("XADD", eventsKey, "MAXLEN", "~", maxEvents, "*", "event", "waiting", "jobId", jobId)
  end
end
if #ids > 0 then
  -- addJobInTargetList (FIFO: LPUSH) per job as one command, the same list order (LPUSH a b pushes a, then b),
  -- and the marker BullMQ adds after each push, once
  rcall("LPUSH", target, unpack(ids))
  if not isPausedOrMaxed then rcall("ZADD", KEYS[9], 0, "0") end
end
return #ids
`;
