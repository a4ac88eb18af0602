#include "config/tool_args.hpp"

#include <filesystem>
#include <set>

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

Words key_names(bool azure) {
  return azure ? Words{"AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY"} : Words{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"};
}

Words split_list(const std::string& list) {
  Words out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::vector<ShellValue> tool_args(const Config& c, const std::optional<std::string>& collections_override) {
  const std::string work = c.get("milvusmm.workDir");
  const Words source_store = store_flags(c, "source.remote", {"s3", "gcs", "ali", "tc"});
  const bool remote_source = c.get("source.mode") == "remote";
  const bool segment_store = !c.get("milvusmm.segmentStore.bucket").empty();

  Words meta;
  const std::string mode = c.get("meta.mode");
  if (mode == "sqlite") meta = {"--sqlite", c.get("meta.sqliteFile")};
  if (mode == "mysql") meta = {"--mysql", "-"};  // the DSN goes on stdin, never on the command line
  if (mode == "mock") meta = {"--meta-json", c.get("meta.mockFile")};
  if (mode == "local") meta = {"--meta-json", c.get("meta.localFile")};
  if (mode == "remote") meta = {"--meta-json", work + "/source-meta.json"};  // meta_fetch puts it there
  const std::string collections = collections_override.value_or(c.get("milvusmm.collections"));
  if (!collections.empty()) meta.insert(meta.end(), {"--collections", collections});
  add_value(meta, c, "--wal", "milvusmm.walDir");
  add_switch(meta, c, "--ignore-unflushed", "milvusmm.ignoreUnflushed");

  // Remote segment files are fetched into WORK/tables first (resumable).
  const std::string tables_dir = remote_source || segment_store ? work + "/tables" : c.get("source.local.tablesDir");
  Words fetch, fetch_keys;
  if (remote_source) {
    fetch = source_store;
    add_switch(fetch, c, "--check-bucket", "source.remote.checkBucket");
    fetch.insert(fetch.end(), {"-j", c.get("dumper.worker.limit"), "--prefix", c.get("source.remote.tablesDir")});
    for (const auto& prefix : split_list(c.get("milvusmm.secondaryRemoteTablesDirs"))) fetch.insert(fetch.end(), {"--prefix", prefix});
    fetch_keys = key_names(backend_of(c.get("source.remote.cloud")) == "azure");
  } else if (segment_store) {
    const std::string port = c.get("milvusmm.segmentStore.port");
    fetch = {"--backend", "s3", "--bucket", c.get("milvusmm.segmentStore.bucket"), "--endpoint",
             c.get("milvusmm.segmentStore.address") + (port.empty() ? "" : ":" + port)};
    add_value(fetch, c, "--region", "milvusmm.segmentStore.region");
    add_switch(fetch, c, "--use-ssl", "milvusmm.segmentStore.useHttps");
    const std::string key_prefix = c.get("milvusmm.segmentStore.keyPrefix");
    fetch.insert(fetch.end(), {"-j", c.get("dumper.worker.limit"), "--prefix", key_prefix.empty() ? c.get("source.local.tablesDir") : key_prefix,
                               "--deleted-docs-from", c.get("source.local.tablesDir")});
    fetch_keys = key_names(false);
  }
  if (!fetch.empty()) fetch.insert(fetch.end(), {"--dir", tables_dir});

  Words scan = {"--tables", tables_dir};
  for (const auto& dir : split_list(c.get("milvusmm.secondaryTablesDirs"))) scan.insert(scan.end(), {"--tables", dir});

  // Local: Milvus reads the files under the same absolute path; remote: staged in WORK/npy.
  const bool local_target = c.get("target.mode") == "local";
  std::string out = work + "/npy";
  if (local_target) {
    out = std::filesystem::weakly_canonical(std::filesystem::absolute(c.get("target.local.outputDir"))).string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    out += out == "/" ? "migration" : "/migration";
  }
  Words npy = {"--out", out, "--group-size", c.get("milvusmm.groupSize"), "--first-group-size", c.get("milvusmm.firstGroupSize"),
               "-j", c.get("dumper.worker.limit"), "--id-field", c.get("milvusmm.fields.id"), "--vector-field", c.get("milvusmm.fields.vector")};

  Words upload;
  std::string import_files = out;
  if (!local_target) {
    std::string prefix = c.get("target.remote.outputDir");
    prefix.erase(0, prefix.find_first_not_of('/'));
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    prefix += prefix.empty() ? "migration" : "/migration";
    upload = store_flags(c, "target.remote", {"s3", "ali", "tc"});
    upload.insert(upload.end(), {"--prefix", prefix, "-j", c.get("milvusmm.uploadJobs")});
    add_switch(upload, c, "--check-bucket", "target.remote.checkBucket");
    import_files = upload[1] + " bucket " + c.get("target.remote.bucket") + " under " + prefix + "/";
  }

  Words milvus = {"--address", c.get("target.milvus2x.endpoint"), "--id-field", c.get("milvusmm.fields.id"),
                  "--vector-field", c.get("milvusmm.fields.vector")};
  add_value(milvus, c, "--user", "target.milvus2x.username");
  add_value(milvus, c, "--database", "target.milvus2x.database");
  // Any TLS file implies TLS.
  const bool tls = c.get("milvusmm.tls.enabled") == "true" || !c.get("milvusmm.tls.caFile").empty() || !c.get("milvusmm.tls.certFile").empty();
  if (tls) milvus.push_back("--tls");
  add_value(milvus, c, "--ca-file", "milvusmm.tls.caFile");
  add_value(milvus, c, "--cert-file", "milvusmm.tls.certFile");
  add_value(milvus, c, "--key-file", "milvusmm.tls.keyFile");
  add_value(milvus, c, "--server-name", "milvusmm.tls.serverName");

  const std::string journal = c.get("milvusmm.journal").empty() ? work + "/mm-bulkinsert.journal" : c.get("milvusmm.journal");
  Words bulk = milvus;
  bulk.insert(bulk.end(), {"--journal", journal, "-j", c.get("loader.worker.limit"), "--poll-interval", c.get("milvusmm.pollInterval"),
                           "--stall-timeout", c.get("milvusmm.stallTimeout")});
  add_value(bulk, c, "--server-version", "milvusmm.serverVersion");
  if (c.get("milvusmm.probe") != "true") bulk.push_back("--no-probe");
  add_switch(bulk, c, "--create-index", "milvusmm.createIndex");
  add_switch(bulk, c, "--load", "milvusmm.load");
  const long sample = std::stol(c.get("milvusmm.verifySample"));
  if (sample > 0) bulk.insert(bulk.end(), {"--verify-sample", std::to_string(sample)});

  // mm-verify always samples: 100 rows per collection unless milvusmm.verifySample says otherwise.
  Words verify = milvus;
  verify.insert(verify.end(), {"--sample", std::to_string(sample > 0 ? sample : 100)});

  // meta.mode remote: mm-fetch downloads the meta.json that meta_args reads.
  const Words meta_fetch = mode == "remote" ? Words{"--meta-object", c.get("meta.remoteMetaFile"), "--meta-out", work + "/source-meta.json"} : Words{};

  return {{"meta_args", meta},
          {"meta_fetch", meta_fetch},
          {"source_store", source_store},
          {"source_key_names", key_names(backend_of(c.get("source.remote.cloud")) == "azure")},
          {"tables_dir", {tables_dir}, true},
          {"fetch_tables", fetch},
          {"fetch_key_names", fetch_keys},
          {"scan_args", scan},
          {"npy_args", npy},
          {"upload_args", upload},
          {"import_files", {import_files}, true},
          {"journal", {journal}, true},
          {"bulk_args", bulk},
          {"verify_args", verify}};
}

std::string shell_line(const ShellValue& value) {
  if (value.scalar) return value.name + "=" + shell_quote(value.words.empty() ? "" : value.words[0]);
  std::string line = value.name + "=(";
  for (size_t i = 0; i < value.words.size(); ++i) line += (i ? " " : "") + shell_quote(value.words[i]);
  return line + ")";
}

}  // namespace mm::config
