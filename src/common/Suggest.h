// "Did you mean": the closest of a set of names to a word the user typed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mosaic {

// Levenshtein distance (insertions, deletions and substitutions of one character each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`: a candidate that `word` is a prefix of, or else the nearest one
// within max(2, |word| / 3) edits (ties: the first in `candidates`). Empty when none is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" for the closest match, or "" when there is none.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mosaic
