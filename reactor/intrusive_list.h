// A doubly linked list threaded through its elements: O(1) unlink from anywhere,
// no allocation, so a connection can sit on the loop's lists for free.
#pragma once

#include <cassert>
#include <cstddef>

namespace chatd::reactor {

// An element inherits one ListHook per list it can be on; Tag tells them apart.
template <class Tag>
struct ListHook {
  ListHook* prev = nullptr;
  ListHook* next = nullptr;
  bool linked() const { return prev != nullptr; }
};

// The list never owns its elements; an element unlinks itself before it dies.
template <class T, class Tag>
class IntrusiveList {
  using Hook = ListHook<Tag>;

 public:
  IntrusiveList() { head_.prev = head_.next = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  ~IntrusiveList() { assert(empty()); }

  bool empty() const { return head_.next == &head_; }
  std::size_t size() const { return size_; }

  void push_back(T& item) {
    Hook& h = item;
    assert(!h.linked());
    h.prev = head_.prev;
    h.next = &head_;
    head_.prev->next = &h;
    head_.prev = &h;
    ++size_;
  }
  void remove(T& item) {
    Hook& h = item;
    assert(h.linked());
    // A linked hook's neighbours are never null (the list is circular through
    // head_); the analyzer cannot see that invariant.
    h.prev->next = h.next;  // NOLINT(clang-analyzer-core.NullDereference)
    h.next->prev = h.prev;  // NOLINT(clang-analyzer-core.NullDereference)
    h.prev = h.next = nullptr;
    --size_;
  }
  void move_to_back(T& item) {
    remove(item);
    push_back(item);
  }
  T* front() { return empty() ? nullptr : owner(head_.next); }
  // The element after `item`, or nullptr at the end: a walk reads the successor
  // first, then may unlink the current element.
  T* next(T& item) {
    Hook* n = static_cast<Hook&>(item).next;
    return n == &head_ ? nullptr : owner(n);
  }

 private:
  static T* owner(Hook* h) { return static_cast<T*>(h); }

  Hook head_;
  std::size_t size_ = 0;
};

}  // namespace chatd::reactor
