// One broadcast run end to end: size it to the fd limit, start the threads, set
// up the room, warm up, measure, drain, stop, and merge what the threads counted.
#pragma once

#include "bench/chatbench/options.h"
#include "bench/chatbench/progress.h"
#include "bench/chatbench/results.h"

namespace chatd::bench {

// Throws std::runtime_error when the run cannot be set up (connections refused or
// failing, setup timeout); what was measured is returned otherwise, even after
// Ctrl-C.
BroadcastResult run_broadcast(const CommonOptions& common, const BroadcastOptions& opt,
                              Progress& progress);

}  // namespace chatd::bench
