// Reports of a run: a human table (the default) and JSON (--json) with every
// figure and the parameters that produced it.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "bench/chatbench/options.h"
#include "bench/chatbench/results.h"

namespace chatd::bench {

struct BroadcastRun {
  BroadcastOptions opt;  // as run (receivers set per sweep step)
  BroadcastResult result;
};

void print_accept_table(std::FILE* out, const CommonOptions& common, const AcceptOptions& opt,
                        const AcceptResult& r);
void print_broadcast_table(std::FILE* out, const CommonOptions& common,
                           const std::vector<BroadcastRun>& runs);

std::string accept_json(const CommonOptions& common, const AcceptOptions& opt,
                        const AcceptResult& r);
std::string broadcast_json(const CommonOptions& common, const std::vector<BroadcastRun>& runs);

// "1,234,567"
std::string grouped(double v);
// "850 us", "1.23 ms", "2.50 s"
std::string duration_text(std::uint64_t ns);
// "812 B", "4.2 MiB"
std::string bytes_text(double bytes);

}  // namespace chatd::bench
