// A mkdtemp directory for a test's files (config files, a client's home), removed with
// everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace chatd::test {

class TempDir {
 public:
  // /tmp/chatd-PREFIX-XXXXXX; throws std::runtime_error if it cannot be made.
  explicit TempDir(const std::string& prefix = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to the file `name` in the directory (creating subdirectories) and
  // returns its path.
  std::string write(const std::string& name, const std::string& text) const;
  // The whole of a file in the directory, or "" if it cannot be read.
  std::string read(const std::string& name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace chatd::test
