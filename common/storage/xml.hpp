// The XML answers of S3, GCS and Azure (listings, errors, multipart replies), read with libxml2:
// entities, character references, CDATA, namespaces (names compare by their local part) and
// nesting as XML means them. No DTD is accepted and nothing is fetched from the network.
#pragma once
#include <memory>
#include <string>
#include <vector>

struct _xmlNode;

namespace mm::storage {

// One element of a parsed answer; valid while its XmlReply lives.
class XmlElement {
 public:
  explicit XmlElement(const _xmlNode* node) : node_(node) {}
  std::string name() const;  // the local name
  // The child elements named `name`, in document order.
  std::vector<XmlElement> children(const std::string& name) const;
  // The text of the first child element named `name` ("" when absent); `path` takes "A/B" too.
  std::string text(const std::string& path) const;

 private:
  const _xmlNode* node_;
};

class XmlReply {
 public:
  // An empty or non-XML body (a proxy's HTML page, a cut answer) gives a reply that is not ok().
  explicit XmlReply(const std::string& body);
  ~XmlReply();
  XmlReply(const XmlReply&) = delete;
  XmlReply& operator=(const XmlReply&) = delete;
  bool ok() const { return root_ != nullptr; }
  // The document element; an empty element named "" when not ok().
  XmlElement root() const;
  // An <Error> answer's Code ("" when the answer is no error document).
  std::string error_code() const;

 private:
  struct Doc;
  std::unique_ptr<Doc> doc_;
  const _xmlNode* root_ = nullptr;
};

std::string xml_escape(const std::string& text);

}  // namespace mm::storage
