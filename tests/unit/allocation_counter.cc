// Replacement global operator new/delete for the unit test binary: malloc/free, plus the
// counters behind AllocationCounter. Outside a counting window they cost one branch.
#include "tests/unit/allocation_counter.h"

#include <cassert>
#include <cstdlib>
#include <new>

namespace chatd::test {
namespace {

thread_local bool t_counting = false;
thread_local AllocationStats t_stats;
thread_local const void* t_watched = nullptr;
thread_local bool t_watched_freed = false;

void* allocate(std::size_t n) {
  if (t_counting) {
    ++t_stats.allocations;
    t_stats.bytes += n;
    if (n > t_stats.largest) t_stats.largest = n;
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void* allocate_nothrow(std::size_t n) noexcept {
  try {
    return allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void deallocate(void* p) noexcept {
  if (p == nullptr) return;
  if (t_counting) ++t_stats.deallocations;
  if (p == t_watched) t_watched_freed = true;
  std::free(p);
}

}  // namespace

AllocationCounter::AllocationCounter() {
  assert(!t_counting && "AllocationCounter does not nest");
  t_stats = {};
  t_counting = true;
}

AllocationCounter::~AllocationCounter() {
  t_counting = false;
}

AllocationStats AllocationCounter::stats() const {
  return t_stats;
}

void watch_block(const void* p) {
  t_watched = p;
  t_watched_freed = false;
}

bool block_freed() {
  return t_watched_freed;
}

}  // namespace chatd::test

void* operator new(std::size_t n) {
  return chatd::test::allocate(n);
}
void* operator new[](std::size_t n) {
  return chatd::test::allocate(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return chatd::test::allocate_nothrow(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return chatd::test::allocate_nothrow(n);
}
void operator delete(void* p) noexcept {
  chatd::test::deallocate(p);
}
void operator delete[](void* p) noexcept {
  chatd::test::deallocate(p);
}
void operator delete(void* p, std::size_t) noexcept {
  chatd::test::deallocate(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  chatd::test::deallocate(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  chatd::test::deallocate(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  chatd::test::deallocate(p);
}
