// Just enough XML for S3 and Azure answers: the text of a named element, and escaping.
#pragma once
#include <string>
#include <vector>

namespace mm::storage {

// Text of the first <tag>...</tag> in `xml`, entities decoded; empty when absent.
std::string xml_text(const std::string& xml, const std::string& tag);
std::string xml_escape(const std::string& text);
// The raw inner text of every <tag>...</tag> in `xml`, in order (for the entries of a listing).
std::vector<std::string> xml_elements(const std::string& xml, const std::string& tag);

}  // namespace mm::storage
