// The Milvus 2.x connection flags mm-bulkinsert and mm-verify share, and the secrets that go with
// them: the password from MM_MILVUS_PASSWORD or --password-file, an API key from MM_MILVUS_TOKEN,
// never from a flag.
#pragma once
#include <cstdlib>
#include <fstream>
#include <string>

#include <cxxopts.hpp>

#include "errors.hpp"
#include "milvus2x/client.hpp"

namespace mm::cli {

inline void add_milvus_options(cxxopts::Options& options) {
  // gRPC logs to stderr on its own (TLS handshakes, reconnects); our one error line says what failed.
  // Set before gRPC initialises; a GRPC_VERBOSITY the user set wins.
  setenv("GRPC_VERBOSITY", "NONE", 0);
  options.add_options("Server")
    ("address", "Milvus 2.x: host:port or http(s)://host:port", cxxopts::value<std::string>()->default_value("localhost:19530"), "ADDR")
    ("user", "user name (the password comes from MM_MILVUS_PASSWORD or --password-file; an API key from MM_MILVUS_TOKEN)", cxxopts::value<std::string>()->default_value(""), "NAME")
    ("password-file", "file whose first line is the password", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("database", "target database (mm-bulkinsert creates it when missing)", cxxopts::value<std::string>()->default_value(""), "NAME")
    ("tls", "use TLS (also implied by an https:// address)")
    ("ca-file", "CA certificate(s) to verify the server with", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("cert-file", "client certificate, for mutual TLS", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("key-file", "client key, for mutual TLS", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("server-name", "name to check in the server's certificate", cxxopts::value<std::string>()->default_value(""), "NAME")
    ("timeout", "seconds to wait for one call", cxxopts::value<int>()->default_value("60"), "S");
}

// The first line of `file` when given, else the environment variable (empty when unset).
inline std::string secret_from(const char* env, const std::string& file) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) fail(file + ": cannot read the password file");
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
  }
  const char* value = std::getenv(env);
  return value ? value : "";
}

inline milvus2x::ConnectOptions milvus_options_from(const cxxopts::ParseResult& result) {
  milvus2x::ConnectOptions connect;
  connect.address = result["address"].as<std::string>();
  connect.user = result["user"].as<std::string>();
  connect.password = secret_from("MM_MILVUS_PASSWORD", result["password-file"].as<std::string>());
  if (const char* token = std::getenv("MM_MILVUS_TOKEN")) connect.token = token;
  connect.database = result["database"].as<std::string>();
  connect.tls = result.count("tls") > 0;
  connect.ca_file = result["ca-file"].as<std::string>();
  connect.cert_file = result["cert-file"].as<std::string>();
  connect.key_file = result["key-file"].as<std::string>();
  connect.server_name = result["server-name"].as<std::string>();
  connect.timeout_seconds = result["timeout"].as<int>();
  if (connect.cert_file.empty() != connect.key_file.empty()) bad_usage("--cert-file and --key-file go together");
  if (connect.timeout_seconds <= 0) bad_usage("--timeout must be positive");
  return connect;
}

}  // namespace mm::cli
