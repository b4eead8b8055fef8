// The chat page: index.html, chat.js, chat.css and icon.svg from daemon/web/page/,
// embedded in the binary at build time (embed_page.cmake), so chatd serves it
// with nothing to install and nothing to download.
#pragma once

#include <span>
#include <string_view>

namespace chatd {

struct PageFile {
  std::string_view path;  // the URL path: "/", "/chat.js", "/chat.css", "/icon.svg"
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;  // quoted, from the file's SHA-1
};

std::span<const PageFile> page_files();

}  // namespace chatd
