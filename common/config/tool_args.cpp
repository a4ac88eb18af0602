#include "config/tool_args.hpp"

#include <filesystem>
#include <set>

#include "list_text.hpp"

namespace mm::config {

namespace {

using Words = std::vector<std::string>;

// The mm-fetch / mm-upload backend of a milvus-migration "cloud" value.
std::string backend_of(const std::string& cloud) {
  if (cloud == "aws") return "s3";
  if (cloud == "gcp") return "gcs";
  if (cloud == "az") return "azure";
  return cloud;  // azure, ali, tc
}

// --FLAG VALUE when the key is set; --FLAG alone when a boolean key is true.
void add_value(Words& w, const Config& c, const char* flag, const std::string& key) {
  const std::string v = c.get(key);
  if (!v.empty()) w.insert(w.end(), {flag, v});
}
void add_switch(Words& w, const Config& c, const char* flag, const std::string& key) {
  if (c.get(key) == "true") w.push_back(flag);
}

// An object store section (source.remote or target.remote) as mm-fetch / mm-upload flags; the
// endpoint only for the backends in `endpoint_for` (Azure's is a URL derived from the account).
Words store_flags(const Config& c, const std::string& section, const std::set<std::string>& endpoint_for) {
  const std::string backend = backend_of(c.get(section + ".cloud"));
  Words w = {"--backend", backend, "--bucket", c.get(section + ".bucket")};
  if (endpoint_for.count(backend)) add_value(w, c, "--endpoint", section + ".endpoint");
  add_value(w, c, "--region", section + ".region");
  add_switch(w, c, "--use-ssl", section + ".useSSL");
  add_switch(w, c, "--use-iam", section + ".useIAM");
  return w;
}

// The variables a bucket's two keys go in, for its backend.
Words key_names(bool azure) {
  return azure ? Words{"AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY"} : Words{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"};
}
bool source_is_azure(const Config& c) { return backend_of(c.get("source.remote.cloud")) == "azure"; }

Words source_store(const Config& c) { return store_flags(c, "source.remote", {"s3", "gcs", "ali", "tc"}); }

// The meta.json meta.mode remote downloads first, for mm-meta to read.
std::string source_meta_json(const Config& c) { return c.get("milvusmm.workDir") + "/source-meta.json"; }

Words meta_args(const Config& c, const std::string& collections) {
  Words w;
  const std::string mode = c.get("meta.mode");
  if (mode == "sqlite") w = {"--sqlite", c.get("meta.sqliteFile")};
  if (mode == "mysql") w = {"--mysql", "-"};  // the DSN goes on stdin, never on the command line
  if (mode == "mock") w = {"--meta-json", c.get("meta.mockFile")};
  if (mode == "local") w = {"--meta-json", c.get("meta.localFile")};
  if (mode == "remote") w = {"--meta-json", source_meta_json(c)};
  if (!collections.empty()) w.insert(w.end(), {"--collections", collections});
  add_value(w, c, "--wal", "milvusmm.walDir");
  add_switch(w, c, "--ignore-unflushed", "milvusmm.ignoreUnflushed");
  return w;
}

bool fetches_tables(const Config& c) { return c.get("source.mode") == "remote" || !c.get("milvusmm.segmentStore.bucket").empty(); }

// Remote segment files are fetched into WORK/tables first (resumable).
std::string tables_dir(const Config& c) {
  return fetches_tables(c) ? c.get("milvusmm.workDir") + "/tables" : c.get("source.local.tablesDir");
}

// mm-fetch of the segment files: from source.remote, or from the bucket of a Milvus 1.1 with
// storage.s3_enabled (milvusmm.segmentStore), which holds .rv and .uid under their local paths.
Words fetch_tables(const Config& c) {
  if (!fetches_tables(c)) return {};
  const std::string jobs = c.get("dumper.worker.limit"), local = c.get("source.local.tablesDir");
  Words w;
  if (c.get("source.mode") == "remote") {
    w = source_store(c);
    add_switch(w, c, "--check-bucket", "source.remote.checkBucket");
    w.insert(w.end(), {"-j", jobs, "--prefix", c.get("source.remote.tablesDir")});
    for (const auto& prefix : split_list(c.get("milvusmm.secondaryRemoteTablesDirs"))) w.insert(w.end(), {"--prefix", prefix});
  } else {
    const std::string port = c.get("milvusmm.segmentStore.port"), key_prefix = c.get("milvusmm.segmentStore.keyPrefix");
    w = {"--backend", "s3", "--bucket", c.get("milvusmm.segmentStore.bucket"), "--endpoint",
         c.get("milvusmm.segmentStore.address") + (port.empty() ? "" : ":" + port)};
    add_value(w, c, "--region", "milvusmm.segmentStore.region");
    add_switch(w, c, "--use-ssl", "milvusmm.segmentStore.useHttps");
    w.insert(w.end(), {"-j", jobs, "--prefix", key_prefix.empty() ? local : key_prefix, "--deleted-docs-from", local});
  }
  w.insert(w.end(), {"--dir", tables_dir(c)});
  return w;
}
Words fetch_key_names(const Config& c) {
  if (!fetches_tables(c)) return {};
  return key_names(c.get("source.mode") == "remote" && source_is_azure(c));
}

Words scan_args(const Config& c) {
  Words w = {"--tables", tables_dir(c)};
  for (const auto& dir : split_list(c.get("milvusmm.secondaryTablesDirs"))) w.insert(w.end(), {"--tables", dir});
  return w;
}

bool local_target(const Config& c) { return c.get("target.mode") == "local"; }

// Local: Milvus reads the files under the same absolute path; remote: staged in WORK/npy.
std::string npy_out(const Config& c) {
  if (!local_target(c)) return c.get("milvusmm.workDir") + "/npy";
  std::string out = std::filesystem::weakly_canonical(std::filesystem::absolute(c.get("target.local.outputDir"))).string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out + (out == "/" ? "migration" : "/migration");
}

Words npy_args(const Config& c) {
  Words w = {"--out", npy_out(c), "--group-size", c.get("milvusmm.groupSize"), "--first-group-size", c.get("milvusmm.firstGroupSize"),
             "-j", c.get("dumper.worker.limit"), "--id-field", c.get("milvusmm.fields.id"), "--vector-field", c.get("milvusmm.fields.vector")};
  // mm-upload reads mm-npy's output directly and starts on a group while it is written.
  if (!local_target(c)) w.push_back("--announce-chunks");
  return w;
}

// The key prefix in the target bucket: OUTPUTDIR/migration, without a leading or trailing /.
std::string upload_prefix(const Config& c) {
  std::string prefix = c.get("target.remote.outputDir");
  prefix.erase(0, prefix.find_first_not_of('/'));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix + (prefix.empty() ? "migration" : "/migration");
}

Words upload_args(const Config& c) {
  if (local_target(c)) return {};
  Words w = store_flags(c, "target.remote", {"s3", "ali", "tc"});
  w.insert(w.end(), {"--prefix", upload_prefix(c), "-j", c.get("milvusmm.uploadJobs")});
  add_switch(w, c, "--check-bucket", "target.remote.checkBucket");
  return w;
}

// Where the import files go, in words, for mm-run's messages.
std::string import_files(const Config& c) {
  if (local_target(c)) return npy_out(c);
  return backend_of(c.get("target.remote.cloud")) + " bucket " + c.get("target.remote.bucket") + " under " + upload_prefix(c) + "/";
}

// The Milvus 2.x connection, for mm-bulkinsert and mm-verify.
Words milvus_args(const Config& c) {
  Words w = {"--address", c.get("target.milvus2x.endpoint"), "--id-field", c.get("milvusmm.fields.id"),
             "--vector-field", c.get("milvusmm.fields.vector")};
  add_value(w, c, "--user", "target.milvus2x.username");
  add_value(w, c, "--database", "target.milvus2x.database");
  // Any TLS file implies TLS.
  if (c.get("milvusmm.tls.enabled") == "true" || !c.get("milvusmm.tls.caFile").empty() || !c.get("milvusmm.tls.certFile").empty())
    w.push_back("--tls");
  add_value(w, c, "--ca-file", "milvusmm.tls.caFile");
  add_value(w, c, "--cert-file", "milvusmm.tls.certFile");
  add_value(w, c, "--key-file", "milvusmm.tls.keyFile");
  add_value(w, c, "--server-name", "milvusmm.tls.serverName");
  return w;
}

std::string journal(const Config& c) {
  const std::string given = c.get("milvusmm.journal");
  return given.empty() ? c.get("milvusmm.workDir") + "/mm-bulkinsert.journal" : given;
}

long verify_sample(const Config& c) { return std::stol(c.get("milvusmm.verifySample")); }

Words bulk_args(const Config& c) {
  Words w = milvus_args(c);
  w.insert(w.end(), {"--journal", journal(c), "-j", c.get("loader.worker.limit"), "--poll-interval", c.get("milvusmm.pollInterval"),
                     "--stall-timeout", c.get("milvusmm.stallTimeout")});
  add_value(w, c, "--server-version", "milvusmm.serverVersion");
  if (c.get("milvusmm.probe") != "true") w.push_back("--no-probe");
  add_switch(w, c, "--create-index", "milvusmm.createIndex");
  add_switch(w, c, "--load", "milvusmm.load");
  if (verify_sample(c) > 0) w.insert(w.end(), {"--verify-sample", std::to_string(verify_sample(c))});
  return w;
}

// mm-verify always samples: 100 rows per collection unless milvusmm.verifySample says otherwise.
Words verify_args(const Config& c) {
  Words w = milvus_args(c);
  w.insert(w.end(), {"--sample", std::to_string(verify_sample(c) > 0 ? verify_sample(c) : 100)});
  return w;
}

}  // namespace

std::vector<ShellValue> tool_args(const Config& c, const std::optional<std::string>& collections) {
  const Words meta_fetch = c.get("meta.mode") == "remote"
      ? Words{"--meta-object", c.get("meta.remoteMetaFile"), "--meta-out", source_meta_json(c)}
      : Words{};
  return {{"meta_args", meta_args(c, collections.value_or(c.get("milvusmm.collections")))},
          {"meta_fetch", meta_fetch},
          {"source_store", source_store(c)},
          {"source_key_names", key_names(source_is_azure(c))},
          {"tables_dir", {tables_dir(c)}, true},
          {"fetch_tables", fetch_tables(c)},
          {"fetch_key_names", fetch_key_names(c)},
          {"scan_args", scan_args(c)},
          {"npy_args", npy_args(c)},
          {"upload_args", upload_args(c)},
          {"import_files", {import_files(c)}, true},
          {"journal", {journal(c)}, true},
          {"bulk_args", bulk_args(c)},
          {"verify_args", verify_args(c)}};
}

std::string shell_line(const ShellValue& value) {
  if (value.scalar) return value.name + "=" + shell_quote(value.words.empty() ? "" : value.words[0]);
  std::string line = value.name + "=(";
  for (size_t i = 0; i < value.words.size(); ++i) line += (i ? " " : "") + shell_quote(value.words[i]);
  return line + ")";
}

}  // namespace mm::config
