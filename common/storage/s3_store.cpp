#include "storage/s3_store.hpp"

#include "errors.hpp"
#include "log.hpp"
#include "storage/crypto.hpp"
#include "storage/xml.hpp"

namespace mm::storage {

S3Store::S3Store(S3Options options, const Credentials& credentials)
    : options_(std::move(options)), http_([&] {
        HttpOptions http = options_.http;
        http.secrets.insert(http.secrets.end(), {credentials.secret_key, credentials.session_token});
        return http;
      }()) {
  address_.host = options_.endpoint.empty() ? aws_s3_host(options_.region) : options_.endpoint;
  address_.bucket = options_.bucket;
  address_.use_ssl = options_.use_ssl;
  address_.path_style = options_.path_style;
  sigv4_ = SigV4{options_.region, "s3", credentials.access_key, credentials.secret_key};
  session_token_ = credentials.session_token;
}

std::string S3Store::endpoint_url() const { return (options_.use_ssl ? "https://" : "http://") + address_.host; }

std::string S3Store::display(const std::string& key) const {
  return options_.backend + "://" + options_.bucket + "/" + key + " at " + endpoint_url();
}

std::string S3Store::bucket_display() const { return "bucket " + options_.bucket + " at " + endpoint_url(); }

void S3Store::describe(JsonWriter& w) const {
  auto field = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), rapidjson::SizeType(v.size()));
  };
  w.StartObject();
  field("backend", options_.backend);
  field("bucket", options_.bucket);
  field("endpoint", endpoint_url());
  field("region", options_.region);
  w.EndObject();
}

HttpRequest S3Store::request(const std::string& method, const std::string& key, const std::string& query,
                             const std::string& payload_sha256) const {
  HttpRequest r;
  r.method = method;
  r.url = s3_url(address_, key, query);
  r.sigv4 = &sigv4_;
  // libcurl 7.88 signs this value as the payload hash and sends it: S3 needs both.
  r.headers.push_back("x-amz-content-sha256: " + payload_sha256);
  if (!session_token_.empty()) r.headers.push_back("x-amz-security-token: " + session_token_);
  return r;
}

std::string S3Store::explain(const HttpRequest& sent, const HttpResponse& answer) {
  const HttpResponse* source = &answer;
  HttpResponse again;
  if (answer.body.empty() && sent.method == "HEAD") {
    // A HEAD answer has no body to say why; the same GET (one byte of it) does.
    HttpRequest get = sent;
    get.method = "GET";
    get.headers.push_back("Range: bytes=0-0");
    try {
      again = http_.send(get, "GET " + sent.url);
      if (again.status == answer.status) source = &again;
    } catch (const Error&) {
    }
  }
  XmlReply reply(source->body);
  std::string code = reply.error_code(), message = code.empty() ? "" : reply.root().text("Message");
  if (code.empty()) code = answer.header("x-minio-error-code");
  if (message.empty()) message = answer.header("x-minio-error-desc");
  std::string text = std::to_string(answer.status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  if (code.empty() && message.empty()) text += answer.status == 403 ? " Forbidden (wrong keys, or no permission?)" : "";
  std::string region = answer.header("x-amz-bucket-region");
  if (!region.empty() && region != options_.region) text += " (the bucket is in region " + region + "; use --region)";
  return http_.scrub(text);
}

void S3Store::fail_answer(const std::string& op, const std::string& key, const HttpRequest& sent,
                          const HttpResponse& answer) {
  fail(display(key) + ": " + op + " failed: " + explain(sent, answer));
}

std::optional<ObjectInfo> S3Store::head(const std::string& key) {
  HttpRequest r = request("HEAD", key, "", kEmptySha256);
  HttpResponse answer = http_.send(r, display(key) + ": HEAD");
  if (answer.status == 404) return std::nullopt;
  if (answer.status != 200) fail_answer("HEAD", key, r, answer);
  ObjectInfo info;
  info.size = answer.content_length(display(key) + ": HEAD");
  info.sha256 = answer.header("x-amz-meta-mm-sha256");
  // GCS's XML API reports user metadata under its own prefix.
  if (info.sha256.empty()) info.sha256 = answer.header("x-goog-meta-mm-sha256");
  // Uploaded while its file was written: the checksum is beside it.
  if (info.sha256.empty()) info.sha256 = get_text(checksum_key(key)).value_or("");
  return info;
}

void S3Store::put_text(const std::string& key, const std::string& text) {
  HttpRequest r = request("PUT", key, "", sha256_hex(text));
  r.headers.push_back("Content-Type: text/plain");
  r.text = text;
  HttpResponse answer = http_.send(r, display(key) + ": PUT");
  if (answer.status != 200) fail_answer("PUT", key, r, answer);
}

std::optional<std::string> S3Store::get_text(const std::string& key) {
  HttpRequest r = request("GET", key, "", kEmptySha256);
  HttpResponse answer = http_.send(r, display(key) + ": GET");
  if (answer.status == 404) return std::nullopt;
  if (answer.status != 200) fail_answer("GET", key, r, answer);
  return answer.body;
}

void S3Store::put_file(const std::string& key, const SourceFile& file, const ProgressFn& progress) {
  if (file.part_sha256.empty())  // digest() cut it into parts only when it is larger than a part
    put_single(key, file, progress);
  else
    put_multipart(key, file, progress);
}

void S3Store::put_single(const std::string& key, const SourceFile& file, const ProgressFn& progress) {
  HttpRequest r = request("PUT", key, "", options_.unsigned_payload ? "UNSIGNED-PAYLOAD" : file.sha256);
  r.headers.push_back("x-amz-meta-mm-sha256: " + file.sha256);
  r.headers.push_back("Content-Type: application/octet-stream");
  r.fd = file.fd;
  r.length = file.size;
  HttpResponse answer = http_.send(r, display(key) + ": PUT");
  if (answer.status != 200) fail_answer("PUT", key, r, answer);
  progress(file.size);
}

void S3Store::check_bucket(const std::string& probe_key) {
  HttpRequest head_bucket = request("HEAD", "", "", kEmptySha256);
  HttpResponse answer = http_.send(head_bucket, bucket_display() + ": HEAD");
  if (answer.status == 404) fail(bucket_display() + ": bucket does not exist (--create-bucket creates it)");
  // Any other refusal: the probe's PUT says precisely why (its answer has a body).
  const std::string probe = "mm-upload write probe\n";
  HttpRequest put = request("PUT", probe_key, "", sha256_hex(probe));
  put.text = probe;
  answer = http_.send(put, bucket_display() + ": PUT " + probe_key);
  if (answer.status != 200) fail(bucket_display() + ": not writable: " + explain(put, answer));
  HttpRequest del = request("DELETE", probe_key, "", kEmptySha256);
  answer = http_.send(del, bucket_display() + ": DELETE " + probe_key);
  if (answer.status != 204 && answer.status != 200)
    log_warning(bucket_display() + ": cannot delete the probe object " + probe_key + ": " + explain(del, answer));
  log_debug(bucket_display() + ": exists and is writable");
}

void S3Store::remove(const std::string& key) {
  HttpRequest del = request("DELETE", key, "", kEmptySha256);
  HttpResponse answer = http_.send(del, display(key) + ": DELETE");
  if (answer.status != 204 && answer.status != 200 && answer.status != 404) fail(display(key) + ": cannot delete: " + explain(del, answer));
}

void S3Store::create_bucket() {
  std::string body;
  // us-east-1 is S3's default location and must not be named; GCS's "auto" is no location either.
  if (options_.backend == "s3" && options_.region != "us-east-1" && options_.region != "auto")
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
           xml_escape(options_.region) + "</LocationConstraint></CreateBucketConfiguration>";
  HttpRequest r = request("PUT", "", "", sha256_hex(body));
  r.text = body;
  HttpResponse answer = http_.send(r, bucket_display() + ": create");
  if (answer.status == 200) {
    log_info(bucket_display() + ": created");
    return;
  }
  if (XmlReply(answer.body).error_code() == "BucketAlreadyOwnedByYou") return;
  fail(bucket_display() + ": cannot create bucket: " + explain(r, answer));
}

}  // namespace mm::storage
