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

/** Bulk's guaranteed share of the budget until someone sets it (`setLaneShares`). */
export const DEFAULT_BULK_FLOOR = 0.1;
/** Bulk's largest share of the budget until someone sets it. */
export const DEFAULT_BULK_CEILING = 1;
/** Bulk counts as asking (its floor reserved, its tokens kept) this long after its last first attempt, ms. */
export const BULK_ACTIVE_MS = 1_000;

// The bucket as stored; `ceiling` is nil when there is no bucket yet.
const LOAD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'ceiling', 'rate', 'burst', 'tokens', 'ts', 'growth')
local ceiling, rate, burst, tokens, ts, growth = tonumber(b[1]), tonumber(b[2]), tonumber(b[3]), tonumber(b[4]), tonumber(b[5]), tonumber(b[6])
local l = redis.call('HMGET', KEYS[1], 'bulk_tokens', 'bulk_floor', 'bulk_ceiling', 'bulk_window', 'bulk_seen', 'lane_ts', 'live_ask', 'live_got', 'bulk_ask', 'bulk_got', 'live_count', 'bulk_count', 'live_wait', 'bulk_wait', 'live_asks', 'bulk_asks')
local bulkTokens, bulkFloor, bulkCeiling, bulkWindow, bulkSeen = tonumber(l[1]) or 0, tonumber(l[2]) or ${DEFAULT_BULK_FLOOR}, tonumber(l[3]) or ${DEFAULT_BULK_CEILING}, l[4] or '', tonumber(l[5]) or 0
local laneTs = tonumber(l[6]) or now
local lane = {
  live = { ask = tonumber(l[7]) or 0, got = tonumber(l[8]) or 0, count = tonumber(l[11]) or 0, wait = tonumber(l[13]) or 0, asks = tonumber(l[15]) or 0 },
  bulk = { ask = tonumber(l[9]) or 0, got = tonumber(l[10]) or 0, count = tonumber(l[12]) or 0, wait = tonumber(l[14]) or 0, asks = tonumber(l[16]) or 0 },
}
`;

// ARGV[1] ceiling (req/s) and ARGV[2] burst create a missing bucket; an existing one keeps its budget,
// so a budget changed live in Redis wins over every worker's configuration.
const CREATE_MISSING = `
if not ceiling then
  ceiling = tonumber(ARGV[1]); rate = ceiling; burst = tonumber(ARGV[2]); tokens = burst; ts = now; growth = now
end
`;

// Refills the tokens to now, reads the pause, and defines how every script saves and replies:
// `[wait, rate, ceiling, tokens, pausedUntil, burst]` (`tokens`: both lanes together).
//
// Lanes. `tokens` is the live lane's, `bulk_tokens` the bulk lane's; together they never hold more than
// `burst`, so both lanes at once still send at most rate + burst in any second. While bulk is asking
// (a first attempt within BULK_ACTIVE_MS), the refill is split: bulk_floor × rate goes to bulk, whatever
// it is doing, and the rest to live; what live cannot hold (its bucket full: it did not need it) spills to
// bulk, up to bulk's share cap × rate. So live gets what it needs first, bulk the rest, never less than
// its floor and never more than its cap. The cap is bulk_ceiling, or under quiet hours (`bulk_window`,
// written by the bulk sender) 1 inside the window and the floor outside it. With no bulk asking, live gets
// the whole refill, as before lanes existed.
// Per lane, `<lane>_ask` and `<lane>_got` are requests/s of first attempts and grants, decayed with a
// 1 s time constant, `<lane>_wait` the requests waiting for a token on average over about the last
// second (each refusal adds the time its request will wait, in seconds: Little's law), `<lane>_count` the
// grants ever made, `<lane>_asks` the requests that ever asked.
const REFILL = `
local bulkActive = now - bulkSeen < ${BULK_ACTIVE_MS}
local function bulkCap()
  if bulkWindow == 'in' then return 1 end
  if bulkWindow == 'out' then return bulkFloor end
  return math.max(bulkFloor, bulkCeiling)
end
-- bulk's part of the burst while it asks: a quarter, at least 1 (live keeps at least 1 too)
local function bulkBurst()
  if not bulkActive then return 0 end
  return math.max(1, math.min(burst - 1, math.floor(burst / 4)))
end
-- time only moves forward: a failover to a replica with a slower clock must not take tokens away
if now > ts then
  local total = (now - ts) * rate / 1000
  local liveBurst = math.max(1, burst - bulkBurst())
  local toBulk = 0
  if bulkActive then toBulk = total * bulkFloor end
  tokens = tokens + total - toBulk
  if tokens > liveBurst then toBulk = toBulk + tokens - liveBurst; tokens = liveBurst end
  toBulk = math.min(toBulk, total * bulkCap())
  bulkTokens = bulkTokens + toBulk
  if bulkTokens > bulkBurst() then
    -- bulk could not hold it: back to live, as far as live can
    tokens = math.min(liveBurst, tokens + bulkTokens - bulkBurst()); bulkTokens = bulkBurst()
  end
  ts = now
end
if now > laneTs then
  local decay = math.exp(-(now - laneTs) / 1000)
  for _, v in pairs(lane) do v.ask = v.ask * decay; v.got = v.got * decay; v.wait = v.wait * decay end
  laneTs = now
end
local pttl = redis.call('PTTL', KEYS[2])
if pttl < 0 then pttl = 0 end
local function save()
  redis.call('HSET', KEYS[1], 'ceiling', ceiling, 'rate', rate, 'burst', burst, 'tokens', tokens, 'ts', ts, 'growth', growth,
    'bulk_tokens', bulkTokens, 'bulk_floor', bulkFloor, 'bulk_ceiling', bulkCeiling, 'bulk_window', bulkWindow, 'bulk_seen', bulkSeen,
    'lane_ts', laneTs, 'live_ask', lane.live.ask, 'live_got', lane.live.got, 'bulk_ask', lane.bulk.ask, 'bulk_got', lane.bulk.got,
    'live_count', lane.live.count, 'bulk_count', lane.bulk.count, 'live_wait', lane.live.wait, 'bulk_wait', lane.bulk.wait,
    'live_asks', lane.live.asks, 'bulk_asks', lane.bulk.asks)
end
local function reply(wait)
  local pausedUntil = 0
  if pttl > 0 then pausedUntil = now + pttl end
  return { wait, tostring(rate), tostring(ceiling), tostring(tokens + bulkTokens), tostring(pausedUntil), tostring(burst) }
end
`;

// What the scripts that act on the bucket start with: a missing bucket is created, then refilled.
const PRELUDE = `${LOAD}${CREATE_MISSING}${REFILL}`;

/**
 * Takes one token of a lane: ARGV[3] the lane (`live` or `bulk`), ARGV[4] '1' on a request's first attempt
 * (counted as demand; the later polls of the same request are not), ARGV[5] bulk's quiet-hours state
 * ('' none, 'in', 'out'; only the bulk lane says it). Replies `[waitMs, rate, ceiling, tokens, pausedUntil,
 * burst]`; `waitMs` 0 means granted.
 */
export const TAKE_SCRIPT = `${LOAD}${CREATE_MISSING}
local name = ARGV[3]
if name ~= 'bulk' then name = 'live' end
if name == 'bulk' then
  -- a bulk sender arriving makes bulk active from now (its floor starts accruing with the next refill)
  bulkWindow = ARGV[5] or ''
  if ARGV[4] == '1' then bulkSeen = now end
end
${REFILL}
local me = lane[name]
if ARGV[4] == '1' then me.ask = me.ask + 1; me.asks = me.asks + 1 end
local function refuse(wait)
  me.wait = me.wait + math.min(wait, 1000) / 1000
  save()
  return reply(wait)
end
if pttl > 0 then return refuse(pttl) end
if name == 'bulk' then
  if bulkTokens >= 1 then
    bulkTokens = bulkTokens - 1; me.got = me.got + 1; me.count = me.count + 1; save(); return reply(0)
  end
  -- live's bucket above half full holds tokens live did not need: with no cap in force bulk may have them,
  -- so what spilled while no bulk request was polling is not lost; live keeps half its bucket ready
  -- (under a cap, bulk gets only its capped inflow, so the cap holds exactly)
  local liveReserve = math.ceil(math.max(1, burst - bulkBurst()) / 2)
  if bulkCap() >= 1 and tokens >= 1 + liveReserve then
    tokens = tokens - 1; me.got = me.got + 1; me.count = me.count + 1; save(); return reply(0)
  end
  -- bulk's expected inflow: its floor, or what live leaves, up to its cap
  local inflow = math.min(bulkCap(), math.max(bulkFloor, 1 - lane.live.got / rate)) * rate
  return refuse(math.max(1, math.ceil((1 - bulkTokens) * 1000 / math.max(inflow, 0.001))))
end
if tokens >= 1 then
  tokens = tokens - 1; me.got = me.got + 1; me.count = me.count + 1; save(); return reply(0)
end
local inflow = rate
if bulkActive then inflow = rate * (1 - bulkFloor) end
return refuse(math.max(1, math.ceil((1 - tokens) * 1000 / math.max(inflow, 0.001))))
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
bulkTokens = math.min(bulkTokens, 0)
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

const LANES_REPLY = `return { tostring(bulkFloor), tostring(bulkCeiling), bulkWindow, tostring(lane.live.ask), tostring(lane.live.got), tostring(lane.live.count),
  tostring(lane.bulk.ask), tostring(lane.bulk.got), tostring(lane.bulk.count), tostring(rate), tostring(ceiling), bulkActive and '1' or '0', tostring(bulkCap()),
  tostring(lane.live.wait), tostring(lane.bulk.wait), tostring(lane.live.asks), tostring(lane.bulk.asks) }`;

/**
 * Sets bulk's share of the budget live (the monitor, `setLaneShares`): ARGV[3] floor, ARGV[4] ceiling, both
 * fractions of the budget in [0, 1] ('' keeps one). Replies like {@link READ_LANES_SCRIPT}.
 */
export const SET_LANES_SCRIPT = `${PRELUDE}
bulkFloor = tonumber(ARGV[3]) or bulkFloor
bulkCeiling = tonumber(ARGV[4]) or bulkCeiling
save()
${LANES_REPLY}
`;

/**
 * Reads the lanes as of now and writes nothing (the monitor): nil without a bucket, else
 * `[floor, ceiling, window, liveAsk, liveGot, liveCount, bulkAsk, bulkGot, bulkCount, rate, budget, bulkActive, bulkCap, liveWait, bulkWait]`.
 */
export const READ_LANES_SCRIPT = `${LOAD}
if not ceiling then return false end
${REFILL}
${LANES_REPLY}
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
