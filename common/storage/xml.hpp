// Just enough XML for S3 and Azure answers: the text of a named element, and escaping.
#pragma once
#include <string>
#include <vector>

namespace mm::storage {

// Text of the first <tag>...</tag> in `xml`, entities decoded; empty when absent.
std::string xml_text(const std::string& xml, const std::string& tag);
std::string xml_escape(const std::string& text);

}  // namespace mm::storage
