#include "storage/imds.hpp"

#include <rapidjson/document.h>

#include "errors.hpp"
#include "manifest.hpp"
#include "storage/http.hpp"

namespace mm::storage {

Credentials fetch_instance_credentials(const std::string& endpoint) {
  std::string base = endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpOptions options;
  options.connect_timeout_s = 2;  // off EC2 nothing answers: fail fast
  options.stall_timeout_s = 5;
  options.retry.retries = 2;
  HttpClient http(options);
  const std::string what = "instance metadata service " + base;

  HttpRequest token_request;
  token_request.method = "PUT";
  token_request.url = base + "/latest/api/token";
  token_request.headers = {"X-aws-ec2-metadata-token-ttl-seconds: 21600"};
  HttpResponse token = http.send(token_request, what + ": token (is this an EC2 instance?)");
  if (token.status != 200) fail(what + ": token request answered HTTP " + std::to_string(token.status));

  auto get = [&](const std::string& path) {
    HttpRequest r;
    r.url = base + path;
    r.headers = {"X-aws-ec2-metadata-token: " + token.body};
    HttpResponse answer = http.send(r, what + ": GET " + path);
    if (answer.status != 200)
      fail(what + ": GET " + path + " answered HTTP " + std::to_string(answer.status) + " (no instance role?)");
    return answer.body;
  };
  std::string role = get("/latest/meta-data/iam/security-credentials/");
  role = role.substr(0, role.find('\n'));
  rapidjson::Document doc;
  parse_json(doc, get("/latest/meta-data/iam/security-credentials/" + role));
  auto text = [&](const char* name) {
    return doc.IsObject() && doc.HasMember(name) && doc[name].IsString() ? std::string(doc[name].GetString()) : "";
  };
  Credentials creds{text("AccessKeyId"), text("SecretAccessKey"), text("Token")};
  if (!creds.complete()) fail(what + ": role " + role + ": answer lacks AccessKeyId or SecretAccessKey");
  return creds;
}

}  // namespace mm::storage
