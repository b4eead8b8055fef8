// The Lua scripts that keep nicks, node leases and room history consistent:
// each runs atomically in Redis, so two nodes racing for one nick get one
// answer each, and exactly one of them wins. Keys: cluster_names.h. A nick record is
// "<node id> <uid> <claim ms> <nick>"; it is valid while its node's lease lives.
#pragma once

namespace chatd::cluster::scripts {

// KEYS: nick key, this node's nodenicks. ARGV: node id, record, lease key prefix.
// 1: the nick is this node's now. 0: a live node's user holds it.
// A record of this node's own is overwritten: the node knows its own users.
inline constexpr char kClaim[] = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local owner = string.match(cur, '^(%S+)')
  if owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
return 1
)lua";

// After a reconnect: claim again, and when a live node's user holds the nick
// the older claim keeps it. KEYS, ARGV as kClaim, and ARGV[4] this claim's ms.
// {1}: claimed. {0}: the other claim is older; this user must give it up.
// {2, node, uid}: this claim is older and took the nick from that user.
inline constexpr char kReassert[] = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local owner, uid, ms = string.match(cur, '^(%S+) (%S+) (%S+)')
  if owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then
    if tonumber(ms) <= tonumber(ARGV[4]) then return {0} end
    redis.call('SET', KEYS[1], ARGV[2])
    redis.call('SADD', KEYS[2], KEYS[1])
    return {2, owner, uid}
  end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
return {1}
)lua";

// KEYS: nick key, this node's nodenicks. ARGV: node id, uid.
// Deletes the record if that user of this node still holds it.
inline constexpr char kRelease[] = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local owner, uid = string.match(cur, '^(%S+) (%S+)')
  if owner == ARGV[1] and uid == ARGV[2] then redis.call('DEL', KEYS[1]) end
end
redis.call('SREM', KEYS[2], KEYS[1])
return 1
)lua";

// KEYS: the node's nodenicks, its lease, the nodes zset, its name key. ARGV:
// node id, "1" to drop a live node (its own goodbye). Deletes every nick record
// still the node's, and the node. 0 if the lease lives and ARGV[2] is not "1".
inline constexpr char kDropNode[] = R"lua(
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local cur = redis.call('GET', key)
  if cur and string.match(cur, '^(%S+)') == ARGV[1] then redis.call('DEL', key) end
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
return 1
)lua";

// KEYS: the name key, this node's lease, the nodes zset. ARGV: node id, name,
// lease ms, now ms. Refreshes the lease and the name, unless another live node
// uses the name: then 0 and nothing changes.
inline constexpr char kBeat[] = R"lua(
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
)lua";

// A room line: kept in the room's history and published, in one step, so a
// node that subscribes and then reads the history misses nothing between the
// two. KEYS: the room's history stream. ARGV: the room's channel, the entries
// to keep, the line's sender ("<room created> <nick> <ident> <host>"), the
// envelope. The stream is trimmed loosely (whole nodes), so it keeps at least
// that many.
inline constexpr char kSay[] = R"lua(
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'u', ARGV[3], 'e', ARGV[4])
return redis.call('PUBLISH', ARGV[1], ARGV[4])
)lua";

}  // namespace chatd::cluster::scripts
