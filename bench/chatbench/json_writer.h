// JsonWriter: just enough JSON output for chatbench's reports, pretty-printed,
// with commas and string escaping handled; no dependency beyond fmt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatd::bench {

class JsonWriter {
 public:
  // Inside an object pass a key; inside an array (or at the top) pass none.
  JsonWriter& open_object(std::string_view key = {});
  JsonWriter& open_array(std::string_view key = {});
  JsonWriter& close();

  JsonWriter& value(std::string_view key, std::string_view v);
  JsonWriter& value(std::string_view key, const char* v) { return value(key, std::string_view(v)); }
  JsonWriter& value(std::string_view key, double v);
  JsonWriter& value(std::string_view key, std::uint64_t v);
  JsonWriter& value(std::string_view key, bool v);
  template <class T>
  JsonWriter& value(std::string_view key, const std::optional<T>& v) {
    if (v) return value(key, *v);
    return null(key);
  }
  JsonWriter& null(std::string_view key);

  // The document; every opened object and array must have been closed.
  const std::string& text() const { return out_; }

 private:
  void start_item(std::string_view key);
  JsonWriter& open(std::string_view key, char bracket);

  std::string out_;
  std::vector<char> closers_;  // '}' or ']' for each open container
  bool first_ = true;          // no item yet in the innermost container
};

}  // namespace chatd::bench
