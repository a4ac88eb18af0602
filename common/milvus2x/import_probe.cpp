#include "milvus2x/import_probe.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include "errors.hpp"
#include "log.hpp"
#include "npy/npy_header.hpp"

namespace mm::milvus2x {
namespace {

constexpr int kRows = 2, kDim = 8;

std::string random_hex() {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", random(), random());
  return text;
}

// A .npy file in the temporary directory; removed with the probe.
std::string write_npy(const std::string& dir, const std::string& name, const std::string& descr, std::vector<uint64_t> shape,
                      const std::string& payload) {
  const std::string path = dir + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << npy::header(descr, shape) << payload;
  if (!out.flush()) fail_errno(path, "cannot write the probe file", errno);
  return path;
}

// Where the groups go, as a person would look for them.
std::string where_written(const storage::StoreSpec& spec, const std::string& prefix) {
  if (spec.backend == "local") return spec.dir;
  return spec.bucket + "/" + prefix + " at " + (spec.endpoint.empty() ? spec.backend + "'s default endpoint" : spec.endpoint);
}

// What to check when Milvus cannot read them.
std::string what_to_check(const storage::StoreSpec& spec) {
  if (spec.backend == "local")
    return "the Milvus server must read " + spec.dir + " under the same path (common.storageType local; in a container, mounted there)";
  return "Milvus's minio.bucketName must be " + spec.bucket +
         ", minio.rootPath must not move its reads away from these keys (import paths are relative to the bucket), and "
         "minio.address/minio.port (or the cloud endpoint) must be the storage mm-upload writes to";
}

}  // namespace

void run_import_probe(Client& client, ImportServer& server, storage::ObjectStore& store, const storage::StoreSpec& spec,
                      const std::string& prefix, int timeout_seconds) {
  const std::string id = random_hex(), collection = "mm_probe_" + id;
  const std::string key_dir = (prefix.empty() ? "" : prefix + "/") + ".mm-probe-" + id;
  char tmp_template[] = "/tmp/mm-probe.XXXXXX";
  const char* tmp = ::mkdtemp(tmp_template);
  if (!tmp) fail_errno("/tmp", "cannot make a directory for the probe group", errno);
  const std::string dir = tmp;
  std::vector<std::string> keys = {key_dir + "/id.npy", key_dir + "/data.npy"}, local;
  bool created = false;
  auto clean_up = [&] {
    for (const auto& key : keys) {
      try {
        store.remove(key);
      } catch (const Error& e) {
        log_warning("probe: " + std::string(e.what()));
      }
    }
    if (created) {
      try {
        client.drop_collection(collection);
      } catch (const Error& e) {
        log_warning("probe: cannot drop the probe collection " + collection + ": " + e.what());
      }
    }
    for (const auto& path : local) ::unlink(path.c_str());
    ::rmdir(dir.c_str());
  };
  const std::string where = where_written(spec, prefix);
  try {
    int64_t ids[kRows] = {1, 2};
    float vectors[kRows * kDim];
    for (int i = 0; i < kRows * kDim; ++i) vectors[i] = float(i) / 8;
    local.push_back(write_npy(dir, "id.npy", "<i8", {kRows}, std::string(reinterpret_cast<char*>(ids), sizeof ids)));
    local.push_back(write_npy(dir, "data.npy", "<f4", {kRows, kDim}, std::string(reinterpret_cast<char*>(vectors), sizeof vectors)));
    for (size_t i = 0; i < keys.size(); ++i) store.place(keys[i], local[i], [](uint64_t) {});
    client.create_collection(collection, "id", "data", VectorType::Float, kDim, "milvus-mm import probe, dropped at once");
    created = true;
    GroupFiles group{collection, "_default", {store.location(keys[0]), store.location(keys[1])}};
    int64_t job = server.submit(group, timeout_seconds);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    for (;;) {
      JobStatus s = server.status(job);
      if (s.state == JobStatus::State::Completed) break;
      if (s.state != JobStatus::State::Running)
        fail("probe: " + server.rules().name() + " at " + server.address() + " cannot import the probe group written to " + where +
             (s.reason.empty() ? "" : " (" + s.reason + ")") + ": " + what_to_check(spec) + "; --no-probe skips this check");
      if (std::chrono::steady_clock::now() > deadline)
        fail("probe: the import of the probe group written to " + where + " did not finish in " + std::to_string(timeout_seconds) +
             " s (" + server.rules().stage(s.percent, s.pending) + ", " + std::to_string(s.percent) + "%)" +
             server.rules().stall_hint(s.percent, false) + "; --no-probe skips this check");
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    log_info("probe: " + server.rules().name() + " imported a probe group written to " + where);
  } catch (...) {
    clean_up();
    throw;
  }
  clean_up();
}

}  // namespace mm::milvus2x
