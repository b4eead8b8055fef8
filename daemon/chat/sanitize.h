// Makes user text safe to show to other users: invalid UTF-8 becomes U+FFFD, and
// terminal controls and bidi overrides are removed, so nobody can drive another
// user's terminal or disguise text (DESIGN "The line protocol"). IRC formatting
// may be kept for IRC users and stripped for plain ones (README "IRC").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatd {

// Which C0 controls survive sanitize_text besides TAB.
enum class Controls : std::uint8_t {
  kRemoveAll,          // every one: text for a terminal
  kKeepIrcFormatting,  // also the IRC formatting codes (is_irc_formatting)
};

// Bold 0x02, colour 0x03, reset 0x0F, monospace 0x11, reverse 0x16, italics
// 0x1D, strikethrough 0x1E, underline 0x1F.
bool is_irc_formatting(unsigned char b);

// What changes:
//  - Invalid UTF-8 becomes U+FFFD (EF BF BD). Overlong forms, surrogates (U+D800-DFFF),
//    code points above U+10FFFF, stray continuation bytes, bytes C0, C1, F5-FF and
//    truncated sequences (also one cut off by the end of the text) are invalid.
//    One U+FFFD replaces each *maximal subpart* of an ill-formed sequence (Unicode
//    ch. 3 "U+FFFD Substitution of Maximal Subparts", the WHATWG Encoding Standard
//    and every browser): the longest prefix of a well-formed sequence that is
//    present. So E2 82 followed by 'A' is one U+FFFD then 'A', while ED A0 80 (a
//    surrogate) is three, because no well-formed sequence starts ED A0. Users of
//    other clients therefore see the same number of U+FFFD their terminals would.
//  - Removed entirely: C0 controls except TAB (NUL, BEL, CR, ESC, ...), DEL, the C1
//    controls U+0080-U+009F as decoded code points (C2 80..C2 9F; a bare 0x80-0x9F
//    byte is a stray continuation byte and becomes U+FFFD), and the bidi embeddings,
//    overrides and isolates U+202A-U+202E and U+2066-U+2069. Removing ESC defuses an
//    escape sequence; the rest of it stays as visible text.
//  - Everything else is kept byte for byte, including U+FFFD, noncharacters and the
//    implicit marks LRM/RLM, which cannot reorder surrounding text on their own.
//
// Returns `in` itself when nothing needs changing (the common case costs one scan
// and no copy); otherwise writes the cleaned text into `scratch` (its old contents
// are discarded, its capacity reused) and returns a view of it, valid until
// `scratch` is next modified. `in` must not point into `scratch`.
//
// With Controls::kKeepIrcFormatting the formatting codes are kept like text; every
// other rule is the same, so what an IRC user receives is clean in every other way.
std::string_view sanitize_text(std::string_view in, std::string& scratch,
                               Controls keep = Controls::kRemoveAll);

// The longest prefix of `text` of at most `max` bytes that does not end inside
// a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t max);

// What a user typed, made safe to relay (IRC formatting kept, so each front end
// can show or strip it) and cut to `max_bytes`: topics, reasons, away texts.
std::string user_text(std::string_view typed, std::size_t max_bytes);

// True when sanitize_text would return `in` unchanged.
bool is_clean_text(std::string_view in, Controls keep = Controls::kRemoveAll);

// Removes IRC formatting, with the digits of a colour code: 0x03 takes up to two
// digits, then a comma and one or two more if a digit follows the comma
// ("\x034,12red" is "red"; "\x03,x" keeps ",x"). Same return contract as
// sanitize_text. Applied to text sanitized with kKeepIrcFormatting, it gives what
// kRemoveAll would have, except that a colour code's digits go too.
std::string_view strip_formatting(std::string_view in, std::string& scratch);

}  // namespace chatd
