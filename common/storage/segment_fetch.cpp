#include "storage/segment_fetch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

// Copies `from` to `to` as a download leaves a file: complete under its final name, synced, or
// not there. A file of the same size already there is kept. Returns whether it copied.
bool copy_local(const std::string& from, const std::string& to) {
  std::error_code ec;
  const auto size = fs::file_size(from, ec);
  if (ec) bad_data(from + ": missing (" + ec.message() + ")");
  if (fs::file_size(to, ec) == size && !ec) return false;
  const std::string part = to + ".part";
  fs::copy_file(from, part, fs::copy_options::overwrite_existing, ec);
  if (ec) fail(part + ": cannot copy " + from + " to it: " + ec.message());
  const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int saved = errno;
    if (fd >= 0) ::close(fd);
    fail_errno(part, "cannot fsync", saved);
  }
  ::close(fd);
  fs::rename(part, to, ec);
  if (ec) fail(to + ": cannot rename " + part + " to it: " + ec.message());
  sync_dir(fs::path(to).parent_path().string());
  return true;
}

}  // namespace

SegmentFetch fetch_segment(RemoteStore& store, const std::vector<std::string>& prefixes, const std::string& table_id,
                           const std::string& segment_id, const std::string& dir, const DownloadParts& parts,
                           const ProgressFn& progress, const std::string& local_tables) {
  require_path_segment("table_id", table_id);
  require_path_segment("segment_id", segment_id);

  // The segment directory under each prefix, only its own files (names below it are not segment
  // files). The one holding a .rv wins, as in mm-scan (0.9.x secondary roots).
  std::string remote, looked, with_rv;
  std::vector<ListedObject> listed;
  std::vector<std::string> names;
  for (const auto& prefix : prefixes) {
    const std::string here = (prefix.empty() ? "" : prefix + "/") + table_id + "/" + segment_id + "/";
    looked += (looked.empty() ? "" : ", ") + store.display(here);
    std::vector<ListedObject> here_listed;
    std::vector<std::string> here_names;
    for (auto& o : store.list(here)) {
      std::string name = o.key.substr(here.size());
      if (name.empty() || name.find('/') != std::string::npos) continue;
      here_names.push_back(name);
      here_listed.push_back(std::move(o));
    }
    if (here_listed.empty()) continue;
    const bool has_rv = !milvus1x::segment_file_candidates(here_names, segment_id, ".rv").empty();
    if (has_rv && !with_rv.empty())
      bad_data("segment " + segment_id + ": a .rv under " + with_rv + " and under " + store.display(here) +
               ": which one holds its rows cannot be told");
    if (has_rv) with_rv = store.display(here);
    if (remote.empty() || has_rv) {
      remote = here;
      listed = std::move(here_listed);
      names = std::move(here_names);
    }
  }
  if (listed.empty()) bad_data(looked + ": segment " + segment_id + " not found (no objects there)");

  std::vector<std::string> wanted;
  for (const char* ext : {".rv", ".uid"}) {
    auto found = milvus1x::segment_file_candidates(names, segment_id, ext);
    if (found.empty()) bad_data(store.display(remote + segment_id + ext) + ": missing (no *" + ext + " object in the segment)");
    if (found.size() > 1)
      bad_data(store.display(remote) + ": " + std::to_string(found.size()) + " *" + ext + " objects and none named " +
               segment_id + ext);
    wanted.push_back(found[0]);
  }
  if (local_tables.empty()) wanted.push_back(milvus1x::kDeletedDocs);

  const fs::path local = fs::path(dir) / table_id / segment_id;
  std::error_code ec;
  const bool created = fs::create_directories(local, ec);
  if (ec) fail(local.string() + ": cannot create directory: " + ec.message());
  if (created) {  // new directory entries must survive a crash too
    sync_dir(local.parent_path().string());
    sync_dir(local.parent_path().parent_path().string());
  }

  SegmentFetch done;
  if (!local_tables.empty()) {
    ++done.objects;
    done.downloaded += copy_local((fs::path(local_tables) / table_id / segment_id / milvus1x::kDeletedDocs).string(),
                                  (local / milvus1x::kDeletedDocs).string());
  }
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
