#include "storage/xml.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <mutex>

namespace mm::storage {

namespace {

// Answers bigger than this are no reply of ours (the HTTP client keeps 1 MiB of a body).
constexpr size_t kMaxBytes = 4u << 20;

bool named(const xmlNode* n, const std::string& name) {
  return n->type == XML_ELEMENT_NODE && name == reinterpret_cast<const char*>(n->name);
}

const xmlNode* first_child(const xmlNode* node, const std::string& name) {
  for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next)
    if (named(c, name)) return c;
  return nullptr;
}

// Text and CDATA below `node`, entities already decoded by the parser.
std::string text_of(const xmlNode* node) {
  std::string out;
  for (const xmlNode* c = node->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) out += reinterpret_cast<const char*>(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      out += text_of(c);
    }
  }
  return out;
}

}  // namespace

struct XmlReply::Doc {
  xmlDoc* doc = nullptr;
  ~Doc() { xmlFreeDoc(doc); }
};

XmlReply::XmlReply(const std::string& body) : doc_(std::make_unique<Doc>()) {
  static std::once_flag init;  // libxml2 wants its global set-up done once, before threads use it
  std::call_once(init, xmlInitParser);
  if (body.empty() || body.size() > kMaxBytes) return;
  // NONET: no network; no NOENT/DTDLOAD: entities of a DTD are never expanded or fetched.
  doc_->doc = xmlReadMemory(body.data(), int(body.size()), "reply.xml", nullptr,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc_->doc || doc_->doc->intSubset) return;  // object stores send no DTD
  root_ = xmlDocGetRootElement(doc_->doc);
}

XmlReply::~XmlReply() = default;

XmlElement XmlReply::root() const { return XmlElement(root_); }

std::string XmlReply::error_code() const { return root_ && named(root_, "Error") ? root().text("Code") : ""; }

std::string XmlElement::name() const { return node_ ? reinterpret_cast<const char*>(node_->name) : ""; }

std::vector<XmlElement> XmlElement::children(const std::string& name) const {
  std::vector<XmlElement> out;
  for (const xmlNode* c = node_ ? node_->children : nullptr; c; c = c->next)
    if (named(c, name)) out.emplace_back(c);
  return out;
}

std::string XmlElement::text(const std::string& path) const {
  const xmlNode* at = node_;
  for (size_t from = 0; at;) {
    const size_t slash = path.find('/', from);
    at = first_child(at, path.substr(from, slash == std::string::npos ? std::string::npos : slash - from));
    if (slash == std::string::npos) break;
    from = slash + 1;
  }
  return at ? text_of(at) : "";
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace mm::storage
