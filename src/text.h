// Small text helpers shared by the library and the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsest {

// Levenshtein distance, for "did you mean" suggestions.
size_t EditDistance(const std::string& a, const std::string& b);
// "; did you mean 'x'?" for the closest candidate within a small distance, else "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);
// `s` safe in HTML or XML text and in double- or single-quoted attribute values (& < > " ').
std::string EscapeMarkup(std::string_view s);
// 1536 -> "1.5 KiB"; exact bytes below 1 KiB.
std::string HumanBytes(uint64_t bytes);

}  // namespace wsest
