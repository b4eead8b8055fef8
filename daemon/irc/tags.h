// IRCv3 message tags: value escaping, and the client-only tags ("+name") a
// client may send for chatd to relay to others that negotiated message-tags.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chatd::irc {

// Client-only tag data may be at most this long (message-tags spec).
inline constexpr std::size_t kMaxClientTagBytes = 4094;

// "\:" is ';', "\s" is ' ', "\\" is '\', "\r" CR, "\n" LF; any other escaped
// character stands for itself and a lone trailing backslash is dropped.
std::string unescape_tag_value(std::string_view escaped);
// The inverse, for ';', ' ', '\', CR and LF.
std::string escape_tag_value(std::string_view value);

// How many bytes of a received tag string are client-only tags, as sent
// ("+a=b;c=d;+e" counts "+a=b" and "+e" and a separator): the part the spec
// limits to kMaxClientTagBytes.
std::size_t client_tag_bytes(std::string_view tags);

// The client-only tags of a received tag string ("a=b;+x=y;+z"), each checked
// (a valid name, a UTF-8 value without control characters) and written back in
// canonical escaping: "+x=y;+z". Other tags and bad ones are dropped; a tag
// named twice keeps its last value. Empty if none is left.
std::string client_only_tags(std::string_view tags);

}  // namespace chatd::irc
