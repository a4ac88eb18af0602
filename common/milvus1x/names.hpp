// Milvus 2.x names for 1.x partition tags.
#pragma once
#include <string>

namespace mm::milvus1x {

// True when `name` is a valid Milvus 2.x collection or partition name:
// a letter or '_' first, then letters, digits and '_', at most 255 characters.
bool is_valid_2x_name(const std::string& name);

// The 2.x partition name for a 1.x tag. A valid tag is kept as it is. Any other tag becomes:
// every run of characters outside [A-Za-z0-9_] replaced by one '_', cut to 200 characters,
// prefixed with "p_" unless it then starts with a letter or '_', then followed by '_' (unless it
// already ends in one) and the 8-hex-digit FNV-1a 32-bit hash of the tag's UTF-8 bytes, so distinct
// tags stay distinct.
// Example: "my tag" -> "my_tag_<hash>", "2024-01" -> "p_2024_01_<hash>".
std::string partition_name_for_tag(const std::string& tag);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(const std::string& text);

// A value from the input, for an error message: in double quotes, with quotes, backslashes, control
// characters and bytes that are not well-formed UTF-8 escaped (\", \\, \n, \xNN), and cut to
// about `max` characters ("..." and the total byte count follow a cut value).
std::string quoted(const std::string& value, size_t max = 80);

// A name for a message: as it is when it is a valid 2.x name or a decimal id, else quoted().
std::string shown_name(const std::string& name);

// True for a 1.x segment or file id: 1 to 40 decimal digits, nothing else (so it is safe in a path).
bool is_decimal_id(const std::string& id);
// True for a 1.x table id: a decimal id (a partition's own table) or a valid collection name.
bool is_table_id(const std::string& id);

}  // namespace mm::milvus1x
