// Room settings, bans and invitations.
#include "daemon/chat/room_modes.h"

#include <fmt/format.h>

#include <algorithm>

#include "daemon/chat/mask.h"
#include "daemon/chat/names.h"

namespace chatd {
namespace {

struct FlagLetter {
  char letter;
  RoomModes::Flag flag;
};
constexpr FlagLetter kFlagLetters[] = {
    {'i', RoomModes::kInviteOnly}, {'m', RoomModes::kModerated}, {'n', RoomModes::kNoExternal},
    {'s', RoomModes::kSecret},     {'t', RoomModes::kTopicLock},
};

}  // namespace

std::optional<RoomModes::Flag> RoomModes::flag_of(char letter) {
  for (const FlagLetter& f : kFlagLetters) {
    if (f.letter == letter) return f.flag;
  }
  return std::nullopt;
}

bool RoomModes::set(Flag f, bool on) {
  if (has(f) == on) return false;
  flags_ = static_cast<std::uint8_t>(on ? flags_ | f : flags_ & ~f);
  return true;
}

bool RoomModes::add_ban(Ban ban) {
  if (bans_.size() >= kMaxBans) return false;
  const std::string folded = fold_case(ban.mask);
  const bool listed = std::any_of(bans_.begin(), bans_.end(),
                                  [&](const Ban& b) { return fold_case(b.mask) == folded; });
  if (listed) return false;
  bans_.push_back(std::move(ban));
  return true;
}

bool RoomModes::remove_ban(std::string_view mask) {
  const std::string folded = fold_case(mask);
  return std::erase_if(bans_, [&](const Ban& b) { return fold_case(b.mask) == folded; }) > 0;
}

bool RoomModes::is_banned(std::string_view full) const {
  return std::any_of(bans_.begin(), bans_.end(),
                     [&](const Ban& b) { return mask_matches(b.mask, full); });
}

void RoomModes::invite(UserHandle user) {
  if (std::find(invites_.begin(), invites_.end(), user) != invites_.end()) return;
  if (invites_.size() >= kMaxInvites) invites_.erase(invites_.begin());
  invites_.push_back(user);
}

bool RoomModes::take_invite(UserHandle user) {
  return std::erase(invites_, user) > 0;
}

std::string RoomModes::describe(bool with_values) const {
  std::string letters = "+";
  for (const FlagLetter& f : kFlagLetters) {
    if (has(f.flag)) letters += f.letter;
  }
  std::string values;
  if (!key_.empty()) {
    letters += 'k';
    if (with_values) values += " " + key_;
  }
  if (limit_ != 0) {
    letters += 'l';
    if (with_values) values += fmt::format(" {}", limit_);
  }
  return letters + values;
}

}  // namespace chatd
