#include "storage/segment_fetch.hpp"

#include <filesystem>

#include "errors.hpp"
#include "fs_sync.hpp"
#include "milvus1x/segment_files.hpp"

namespace fs = std::filesystem;

namespace mm::storage {
namespace {

void require_path_segment(const std::string& what, const std::string& value) {
  if (value.empty() || value == "." || value == ".." || value.find('/') != std::string::npos)
    bad_data(what + " \"" + value + "\" is not a single path segment");
}

}  // namespace

SegmentFetch fetch_segment(RemoteStore& store, const std::string& prefix, const std::string& table_id,
                           const std::string& segment_id, const std::string& dir, const DownloadParts& parts,
                           const ProgressFn& progress) {
  require_path_segment("table_id", table_id);
  require_path_segment("segment_id", segment_id);
  const std::string remote = (prefix.empty() ? "" : prefix + "/") + table_id + "/" + segment_id + "/";

  // Only the segment directory's own files: names below it are not segment files.
  std::vector<ListedObject> listed;
  std::vector<std::string> names;
  for (auto& o : store.list(remote)) {
    std::string name = o.key.substr(remote.size());
    if (name.empty() || name.find('/') != std::string::npos) continue;
    names.push_back(name);
    listed.push_back(std::move(o));
  }
  if (listed.empty()) bad_data(store.display(remote) + ": segment " + segment_id + " not found (no objects there)");

  std::vector<std::string> wanted;
  for (const char* ext : {".rv", ".uid"}) {
    auto found = milvus1x::segment_file_candidates(names, segment_id, ext);
    if (found.empty()) bad_data(store.display(remote + segment_id + ext) + ": missing (no *" + ext + " object in the segment)");
    if (found.size() > 1)
      bad_data(store.display(remote) + ": " + std::to_string(found.size()) + " *" + ext + " objects and none named " +
               segment_id + ext);
    wanted.push_back(found[0]);
  }
  wanted.push_back(milvus1x::kDeletedDocs);

  const fs::path local = fs::path(dir) / table_id / segment_id;
  std::error_code ec;
  const bool created = fs::create_directories(local, ec);
  if (ec) fail(local.string() + ": cannot create directory: " + ec.message());
  if (created) {  // new directory entries must survive a crash too
    sync_dir(local.parent_path().string());
    sync_dir(local.parent_path().parent_path().string());
  }

  SegmentFetch done;
  for (const auto& name : wanted) {
    size_t i = 0;
    while (i < names.size() && names[i] != name) ++i;
    if (i == names.size()) bad_data(store.display(remote + name) + ": missing");
    ++done.objects;
    if (store.download(listed[i], (local / name).string(), true, parts, progress)) {
      ++done.downloaded;
      done.bytes += listed[i].size;
    }
  }
  return done;
}

}  // namespace mm::storage
