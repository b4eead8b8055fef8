// One accept run end to end: size it to the fd limit, open the connections,
// wait for every greeting, hold them, read the server's memory, close them.
#pragma once

#include "bench/chatbench/options.h"
#include "bench/chatbench/progress.h"
#include "bench/chatbench/results.h"

namespace chatd::bench {

AcceptResult run_accept(const CommonOptions& common, const AcceptOptions& opt, Progress& progress);

}  // namespace chatd::bench
