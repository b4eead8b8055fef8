// How many clients an integration test can hold against chatd under the fd limit it shares
// with chatd (chatd inherits the test's RLIMIT_NOFILE).
#pragma once

#include <cstddef>

namespace chatd::test {

// Raises the soft fd limit towards the hard one, then returns `wanted`, or fewer (with a
// note on stdout) when the limit leaves room for fewer: chatd keeps its kReservedFds back
// from clients, and the test needs fds of its own for gtest, pipes and a few extra clients.
std::size_t affordable_clients(std::size_t wanted);

}  // namespace chatd::test
