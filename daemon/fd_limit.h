// How many clients fit under chatd's file descriptor limit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatd {

// Descriptors kept back from clients: chatd's own (listeners, the loop's, logging,
// the notify socket) and room for refused connections still sending their one line.
// Without them accept() fails with EMFILE at the limit, and libuv then closes the
// waiting connections without a word to them or to chatd.
inline constexpr std::uint64_t kReservedFds = 64;

// The soft RLIMIT_NOFILE chatd runs under; 0 when there is none.
std::uint64_t fd_limit();

// max_clients, lowered where needed so that every client has a descriptor and
// kReservedFds (at most a quarter of the limit) are left over. fd_limit 0: no limit.
std::size_t clients_within_fd_limit(std::size_t max_clients, std::uint64_t fd_limit);

}  // namespace chatd
