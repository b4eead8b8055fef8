// Unit tests of clients_within_fd_limit: max_clients is lowered to leave chatd's reserve of
// descriptors, and only when it has to be.
#include "daemon/fd_limit.h"

#include <gtest/gtest.h>

namespace chatd {
namespace {

TEST(ClientsWithinFdLimit, LowersMaxClientsToLeaveTheReserve) {
  EXPECT_EQ(clients_within_fd_limit(100000, 20000), 20000 - kReservedFds);
  EXPECT_EQ(clients_within_fd_limit(20000, 20000), 20000 - kReservedFds);
}

TEST(ClientsWithinFdLimit, KeepsMaxClientsThatFit) {
  EXPECT_EQ(clients_within_fd_limit(500, 20000), 500u);
  EXPECT_EQ(clients_within_fd_limit(20000 - kReservedFds, 20000), 20000 - kReservedFds);
}

TEST(ClientsWithinFdLimit, ReservesAtMostAQuarterOfASmallLimit) {
  EXPECT_EQ(clients_within_fd_limit(1000, 100), 75u);
  EXPECT_EQ(clients_within_fd_limit(1000, 3), 3u);
}

TEST(ClientsWithinFdLimit, NoLimitLeavesMaxClientsAlone) {
  EXPECT_EQ(clients_within_fd_limit(100000, 0), 100000u);
}

}  // namespace
}  // namespace chatd
