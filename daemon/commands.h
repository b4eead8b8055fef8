// The plain-mode slash commands: /nick /join /who /rooms /msg /me /quit /help.
#pragma once

#include <string_view>

namespace chatd {

class Session;

// Runs the command `name` (as typed, without the '/') with its trimmed `args`,
// replying to the session; an unknown name gets an error line suggesting /help.
void run_command(Session& s, std::string_view name, std::string_view args);

}  // namespace chatd
