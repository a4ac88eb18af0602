#include "storage/azure_store.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "errors.hpp"
#include "log.hpp"
#include "storage/azure_auth.hpp"
#include "storage/crypto.hpp"
#include "storage/keys.hpp"
#include "task_group.hpp"
#include "storage/xml.hpp"

namespace mm::storage {
namespace {

const char* kApiVersion = "2021-08-06";
constexpr uint64_t kMaxBlocks = 50000;            // Azure's limits per blob
constexpr uint64_t kMaxBlockBytes = 4000ull << 20;  // and per block

// Block ids must all have the same length; base64 of a fixed-width counter does.
std::string block_id(unsigned index) {
  char raw[32];
  std::snprintf(raw, sizeof raw, "mm-block-%06u", index);
  return base64_encode(raw);
}

// Blocks of at most the part size, more when the file would need over 50000.
uint64_t block_size(uint64_t file_size, uint64_t part_size) {
  return std::max(std::min(part_size, kMaxBlockBytes), (file_size + kMaxBlocks - 1) / kMaxBlocks);
}

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [name, value] : query) out += (out.empty() ? "" : "&") + uri_encode(name, false) + "=" + uri_encode(value, false);
  return out;
}

}  // namespace

AzureStore::AzureStore(AzureOptions options, const AzureCredentials& credentials)
    : options_(std::move(options)), http_([&] {
        HttpOptions http = options_.http;
        http.secrets.insert(http.secrets.end(), {credentials.key, credentials.sas_token});
        return http;
      }()) {
  std::string endpoint = options_.endpoint.empty() ? "https://" + options_.account + ".blob.core.windows.net"
                                                   : options_.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  size_t scheme = endpoint.find("://");
  if (scheme == std::string::npos) bad_usage("--endpoint: \"" + endpoint + "\" is not a URL (http://host:port/...)");
  size_t path = endpoint.find('/', scheme + 3);
  origin_ = endpoint.substr(0, path);
  base_path_ = path == std::string::npos ? "" : endpoint.substr(path);
  if (!credentials.sas_token.empty()) {
    sas_ = credentials.sas_token[0] == '?' ? credentials.sas_token.substr(1) : credentials.sas_token;
  } else {
    key_bytes_ = base64_decode(credentials.key, "the Azure account key");
  }
}

std::string AzureStore::display(const std::string& key) const {
  return "azure://" + options_.container + "/" + key + " at " + origin_ + base_path_;
}

std::string AzureStore::container_display() const {
  return "container " + options_.container + " at " + origin_ + base_path_;
}

void AzureStore::describe(JsonWriter& w) const {
  auto field = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), rapidjson::SizeType(v.size()));
  };
  w.StartObject();
  field("backend", "azure");
  field("bucket", options_.container);
  field("endpoint", origin_ + base_path_);
  field("account", options_.account);
  w.EndObject();
}

HttpRequest AzureStore::request(const std::string& method, const std::string& key, const Params& query,
                                std::vector<std::string> headers, uint64_t content_length) const {
  const std::string path =
      base_path_ + "/" + uri_encode(options_.container, false) + (key.empty() ? "" : "/" + uri_encode(key, true));
  std::string q = encode_query(query);
  if (!sas_.empty()) q += (q.empty() ? "" : "&") + sas_;
  HttpRequest r;
  r.method = method;
  r.url = origin_ + path + (q.empty() ? "" : "?" + q);
  headers.push_back(std::string("x-ms-version: ") + kApiVersion);
  r.headers = headers;
  if (sas_.empty()) {
    // Signed per attempt: a retry gets a fresh date.
    r.sign = [this, method, path, query, content_length](std::vector<std::string>& h) {
      h.push_back("x-ms-date: " + http_date(std::time(nullptr)));
      AzureSigned s{method, options_.account, path, query, {}, content_length};
      for (const auto& line : h) {
        size_t colon = line.find(':');
        size_t value = line.find_first_not_of(' ', colon + 1);
        s.headers.emplace_back(line.substr(0, colon), value == std::string::npos ? "" : line.substr(value));
      }
      h.push_back("Authorization: " + shared_key_authorization(options_.account, key_bytes_, shared_key_string_to_sign(s)));
    };
  }
  return r;
}

std::string AzureStore::explain(const HttpResponse& answer) const {
  XmlReply reply(answer.body);
  std::string code = reply.error_code();
  if (code.empty()) code = answer.header("x-ms-error-code");
  std::string message = reply.error_code().empty() ? "" : reply.root().text("Message");
  message = message.substr(0, message.find('\n'));  // drop the RequestId and Time lines
  std::string text = std::to_string(answer.status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  return http_.scrub(text);
}

std::optional<ObjectInfo> AzureStore::head(const std::string& key) {
  HttpResponse answer = http_.send(request("HEAD", key, {}, {}, 0), display(key) + ": HEAD");
  if (answer.status == 404) return std::nullopt;
  if (answer.status != 200) fail(display(key) + ": HEAD failed: " + explain(answer));
  ObjectInfo info;
  info.size = answer.content_length(display(key) + ": HEAD");
  info.sha256 = answer.header("x-ms-meta-mm_sha256");
  return info;
}

void AzureStore::digest(SourceFile& file) {
  if (file.size <= options_.part_size) return RemoteStore::digest(file);
  digest_parts(file, block_size(file.size, options_.part_size), options_.part_jobs);
}

void AzureStore::put_file(const std::string& key, const SourceFile& file, const ProgressFn& progress) {
  if (file.part_sha256.empty()) {
    HttpRequest r = request("PUT", key, {},
                            {"x-ms-blob-type: BlockBlob", "x-ms-meta-mm_sha256: " + file.sha256,
                             "Content-Type: application/octet-stream"},
                            file.size);
    r.fd = file.fd;
    r.length = file.size;
    HttpResponse answer = http_.send(r, display(key) + ": Put Blob");
    if (answer.status != 201) fail(display(key) + ": Put Blob failed: " + explain(answer));
    progress(file.size);
    return;
  }
  const unsigned blocks = unsigned(file.part_sha256.size());
  TaskGroup tasks(options_.part_jobs);
  for (unsigned i = 0; i < blocks; ++i) {
    uint64_t offset = uint64_t(i) * file.part_size, length = std::min(file.part_size, file.size - offset);
    bool started = tasks.spawn([&, i, offset, length] {
      put_block(key, file.fd, i, offset, length);
      progress(length);
    });
    if (!started) break;
  }
  // Blocks never committed are dropped by the service after a week; a rerun overwrites them.
  tasks.wait();
  put_block_list(key, blocks, file.sha256);
}

void AzureStore::put_block(const std::string& key, int fd, unsigned index, uint64_t offset, uint64_t length) {
  HttpRequest r = request("PUT", key, {{"comp", "block"}, {"blockid", block_id(index)}}, {}, length);
  r.fd = fd;
  r.offset = offset;
  r.length = length;
  HttpResponse answer = http_.send(r, display(key) + ": Put Block " + std::to_string(index));
  if (answer.status != 201) fail(display(key) + ": Put Block " + std::to_string(index) + " failed: " + explain(answer));
}

void AzureStore::put_block_list(const std::string& key, unsigned blocks, const std::string& sha256) {
  std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (unsigned i = 0; i < blocks; ++i) body += "<Latest>" + block_id(i) + "</Latest>";
  body += "</BlockList>";
  HttpRequest r = request("PUT", key, {{"comp", "blocklist"}},
                          {"x-ms-meta-mm_sha256: " + sha256, "x-ms-blob-content-type: application/octet-stream",
                           "Content-Type: application/xml"},
                          body.size());
  r.text = body;
  HttpResponse answer = http_.send(r, display(key) + ": Put Block List");
  if (answer.status != 201) fail(display(key) + ": Put Block List failed: " + explain(answer));
}

// A blob uploaded while its file is written: each block is hashed as it is sent; the block list
// makes the blob appear, with its mm-sha256, in one request. Uncommitted blocks are invisible
// and dropped by the service after a week, so an upload left unfinished leaves nothing behind.
class AzurePartUpload final : public PartUpload {
 public:
  AzurePartUpload(AzureStore& store, std::string key, uint64_t size)
      : store_(store), key_(std::move(key)), size_(size), block_size_(block_size(size, store.options_.part_size)),
        sha256_(size_t((size + block_size_ - 1) / block_size_)) {}
  uint64_t part_size() const override { return block_size_; }
  unsigned parts() const override { return unsigned(sha256_.size()); }
  void put(unsigned index, int fd, const std::string& path) override {
    const uint64_t offset = uint64_t(index) * block_size_, length = std::min(block_size_, size_ - offset);
    sha256_.at(index) = sha256_file_range(fd, path, offset, length);
    store_.put_block(key_, fd, index, offset, length);
  }
  void commit() override {
    const std::string sha256 = parts_digest(sha256_, block_size_);
    store_.put_block_list(key_, parts(), sha256);
    store_.check_written(key_, size_, sha256);
  }

 private:
  AzureStore& store_;
  std::string key_;
  uint64_t size_, block_size_;
  std::vector<std::string> sha256_;
};

std::unique_ptr<PartUpload> AzureStore::start_parts(const std::string& key, uint64_t size) {
  if (size <= options_.part_size) return nullptr;  // one Put Blob, at the group record
  return std::make_unique<AzurePartUpload>(*this, key, size);
}

void AzureStore::check_bucket(const std::string& probe_key) {
  HttpResponse answer =
      http_.send(request("HEAD", "", {{"restype", "container"}}, {}, 0), container_display() + ": HEAD");
  if (answer.status == 404) fail(container_display() + ": container does not exist (--create-bucket creates it)");
  // Any other refusal: the probe's answer says precisely why (its body has a message).
  const std::string probe = "mm-upload write probe\n";
  HttpRequest put = request("PUT", probe_key, {}, {"x-ms-blob-type: BlockBlob"}, probe.size());
  put.text = probe;
  answer = http_.send(put, container_display() + ": PUT " + probe_key);
  if (answer.status != 201) fail(container_display() + ": not writable: " + explain(answer));
  answer = http_.send(request("DELETE", probe_key, {}, {}, 0), container_display() + ": DELETE " + probe_key);
  if (answer.status != 202) log_warning(container_display() + ": cannot delete the probe blob " + probe_key + ": " + explain(answer));
}

void AzureStore::remove(const std::string& key) {
  HttpResponse answer = http_.send(request("DELETE", key, {}, {}, 0), display(key) + ": DELETE");
  if (answer.status != 202 && answer.status != 200 && answer.status != 404) fail(display(key) + ": cannot delete: " + explain(answer));
}

void AzureStore::create_bucket() {
  HttpResponse answer = http_.send(request("PUT", "", {{"restype", "container"}}, {}, 0), container_display() + ": create");
  if (answer.status == 201) {
    log_info(container_display() + ": created");
    return;
  }
  if (answer.status == 409 && explain(answer).find("ContainerAlreadyExists") != std::string::npos) return;
  fail(container_display() + ": cannot create container: " + explain(answer));
}

}  // namespace mm::storage
