/**
 * Lua scripts of the fleet-wide token bucket. Each runs atomically in Redis and reads Redis's own clock
 * (`TIME`), so workers on hosts with skewed clocks still share one budget exactly.
 *
 * KEYS[1] is the bucket hash (`ceiling`, `rate`, `burst`, `tokens`, `ts`, `growth`, `configured_by_env`), KEYS[2] the
 * "paused until" key whose value is the end of the pause (ms) and whose PX expiry ends it.
 * Every script loads the bucket and refills it up to now with the same code ({@link READ_SCRIPT}, which writes
 * nothing, included), so the refill arithmetic exists once. Numbers go back as strings: Redis would truncate
 * Lua floats to integers.
 */

// The bucket as stored; `ceiling` is nil when there is no bucket yet.
const LOAD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'ceiling', 'rate', 'burst', 'tokens', 'ts', 'growth')
local ceiling, rate, burst, tokens, ts, growth = tonumber(b[1]), tonumber(b[2]), tonumber(b[3]), tonumber(b[4]), tonumber(b[5]), tonumber(b[6])
`;

// ARGV[1] ceiling (req/s) and ARGV[2] burst create a missing bucket; an existing one keeps its budget,
// so a budget changed live in Redis wins over every worker's configuration.
const CREATE_MISSING = `
if not ceiling then
  ceiling = tonumber(ARGV[1]); rate = ceiling; burst = tonumber(ARGV[2]); tokens = burst; ts = now; growth = now
end
`;

// Refills the tokens to now, reads the pause, and defines how every script saves and replies:
// `[wait, rate, ceiling, tokens, pausedUntil, burst]`.
const REFILL = `
-- time only moves forward: a failover to a replica with a slower clock must not take tokens away
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
  ts = now
end
local pttl = redis.call('PTTL', KEYS[2])
if pttl < 0 then pttl = 0 end
local function save()
  redis.call('HSET', KEYS[1], 'ceiling', ceiling, 'rate', rate, 'burst', burst, 'tokens', tokens, 'ts', ts, 'growth', growth)
end
local function reply(wait)
  local pausedUntil = 0
  if pttl > 0 then pausedUntil = now + pttl end
  return { wait, tostring(rate), tostring(ceiling), tostring(tokens), tostring(pausedUntil), tostring(burst) }
end
`;

// What the scripts that act on the bucket start with: a missing bucket is created, then refilled.
const PRELUDE = `${LOAD}${CREATE_MISSING}${REFILL}`;

/** Takes one token: replies `[waitMs, rate, ceiling, tokens, pausedUntil, burst]`; `waitMs` 0 means granted. */
export const TAKE_SCRIPT = `${PRELUDE}
if pttl > 0 then save(); return reply(pttl) end
if tokens >= 1 then
  tokens = tokens - 1; save(); return reply(0)
end
save()
return reply(math.max(1, math.ceil((1 - tokens) * 1000 / rate)))
`;

/**
 * A 429: ARGV[3] pause ms, ARGV[4] decrease factor, ARGV[5] minimum rate ('' = ceiling / 20).
 * The rate is cut once per pause episode (the other 429s of the burst arrive during it), saved tokens are
 * forfeited, and growth restarts only after the pause.
 */
export const PENALIZE_SCRIPT = `${PRELUDE}
local pauseMs = tonumber(ARGV[3])
local minRate = tonumber(ARGV[5]) or (ceiling / 20)
if pttl == 0 then rate = math.max(math.min(minRate, ceiling), rate * tonumber(ARGV[4])) end
if pauseMs > pttl then
  redis.call('SET', KEYS[2], tostring(now + pauseMs), 'PX', math.ceil(pauseMs))
  pttl = math.ceil(pauseMs)
end
tokens = math.min(tokens, 0)
growth = math.max(growth, now + pttl)
save()
return reply(pttl)
`;

/** A success: ARGV[3] additive increase in req/s per second ('' = ceiling / 10), up to the ceiling. */
export const REWARD_SCRIPT = `${PRELUDE}
if now > growth then
  local increase = tonumber(ARGV[3]) or (ceiling / 10)
  rate = math.min(ceiling, rate + increase * (now - growth) / 1000)
  growth = now
end
save()
return reply(0)
`;

// Moves the bucket to ceiling `newCeiling` and burst `newBurst` (nil keeps it). A bucket at its old ceiling
// moves to the new one at once; one still recovering from a 429 keeps growing towards it.
const APPLY_BUDGET = `
local function applyBudget(newCeiling, newBurst)
  if rate >= ceiling then rate = newCeiling else rate = math.min(rate, newCeiling) end
  rate = math.max(rate, newCeiling / 20)
  ceiling = newCeiling
  if newBurst then burst = newBurst; tokens = math.min(tokens, burst) end
end
`;

/** Sets the budget live (the monitor, `setBudget`): ARGV[3] new ceiling, ARGV[4] new burst ('' keeps it). */
export const SET_BUDGET_SCRIPT = `${PRELUDE}${APPLY_BUDGET}
applyBudget(tonumber(ARGV[3]), tonumber(ARGV[4]))
save()
return reply(0)
`;

/**
 * A worker starting with a configured budget (env or workspaces file): ARGV[3] ceiling, ARGV[4] burst,
 * ARGV[5] the configuration's signature. It is applied only when it differs from the one the last
 * starting worker applied (`configured_by_env`), so a budget changed live survives restarts of workers
 * configured as before, while a fleet restarted with a new value gets it. Replies 1 in the first slot
 * when it applied the budget, 0 when it kept the one in Redis.
 */
export const CONFIGURE_SCRIPT = `${PRELUDE}${APPLY_BUDGET}
local applied = 0
if redis.call('HGET', KEYS[1], 'configured_by_env') ~= ARGV[5] then
  applyBudget(tonumber(ARGV[3]), tonumber(ARGV[4]))
  applied = 1
end
save()
redis.call('HSET', KEYS[1], 'configured_by_env', ARGV[5])
return reply(applied)
`;

/** Reads the bucket as of now without taking anything, creating it if missing (a worker's `refresh()`). */
export const PEEK_SCRIPT = `${PRELUDE}
save()
return reply(0)
`;

/**
 * Reads the bucket as of now and writes nothing — not the refill, not a missing bucket (a monitor watches a
 * budget it does not own). Replies nil without a bucket, else `reply(remaining pause ms)`. No ARGV.
 */
export const READ_SCRIPT = `${LOAD}
if not ceiling then return false end
${REFILL}
return reply(pttl)
`;
