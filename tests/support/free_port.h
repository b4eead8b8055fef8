// A loopback port that is free right now, for programs that cannot be told to use port 0
// (systemd-socket-activate, ZNC). Someone may take it before they bind it: retry then.
#pragma once

#include <cstdint>

namespace chatd::test {

std::uint16_t free_port();

}  // namespace chatd::test
