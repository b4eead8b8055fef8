// Counts the heap allocations this thread makes inside a scope. The unit test binary
// replaces the global operator new/delete (allocation_counter.cc) with versions that
// forward to malloc/free and count only while an AllocationCounter is alive.
#pragma once

#include <cstddef>

namespace chatd::test {

struct AllocationStats {
  std::size_t allocations = 0;    // calls to operator new, any form but the aligned ones
  std::size_t deallocations = 0;  // calls to operator delete on a non-null pointer
  std::size_t bytes = 0;          // total bytes requested
  std::size_t largest = 0;        // the largest single request
};

// Counting starts from zero when constructed and stops when destroyed; not nestable.
class AllocationCounter {
 public:
  AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;
  ~AllocationCounter();

  AllocationStats stats() const;
};

// Remembers one block; block_freed() then tells whether operator delete has been called
// on it since (counting window or not).
void watch_block(const void* p);
bool block_freed();

}  // namespace chatd::test
