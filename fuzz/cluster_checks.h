// What the fuzz target checks on every input as bytes from another node: the
// stream as replies from Redis (RespReader, in reads of varying size) and as
// an envelope (parse_envelope, and the escaping of its text fields).
#pragma once

#include <cstddef>
#include <string_view>

namespace chatd::fuzz {

void check_redis_replies(std::string_view bytes, std::size_t max_read);
void check_envelope(std::string_view bytes);

}  // namespace chatd::fuzz
