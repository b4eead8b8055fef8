// Makes user text safe to show to other users: invalid UTF-8 becomes U+FFFD, and
// terminal controls and bidi overrides are removed, so nobody can drive another
// user's terminal or disguise text (DESIGN "The line protocol").
#pragma once

#include <string>
#include <string_view>

namespace chatd {

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
std::string_view sanitize_text(std::string_view in, std::string& scratch);

// True when sanitize_text would return `in` unchanged.
bool is_clean_text(std::string_view in);

}  // namespace chatd
