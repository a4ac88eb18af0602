// Brings what mm-scan reads of one 1.x segment from an object store to a local tables/ directory:
// from <prefix>/<table_id>/<segment_id>/ the .rv and .uid files (chosen as mm-scan chooses them)
// and deleted_docs, to <dir>/<table_id>/<segment_id>/. Index files, bloom_filter and other
// leftovers stay in the store.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "storage/object_store.hpp"

namespace mm::storage {

struct SegmentFetch {
  unsigned objects = 0;     // files the segment needs
  unsigned downloaded = 0;  // of which were downloaded (the others were present)
  uint64_t bytes = 0;       // bytes downloaded
};

// A missing segment directory or file, or ids that are not single path segments, are one-line
// kExitBadData errors naming the object; store failures are kExitFailure.
// With several prefixes (0.9.x secondary roots copied to the store) the segment directory holding
// its .rv wins; a .rv under two prefixes is an error. With `local_tables` (Milvus 1.1 with
// storage.s3_enabled, which keeps deleted_docs on the local disk) deleted_docs is copied from
// LOCAL_TABLES/<table_id>/<segment_id>/ instead.
SegmentFetch fetch_segment(RemoteStore& store, const std::vector<std::string>& prefixes, const std::string& table_id,
                           const std::string& segment_id, const std::string& dir, const DownloadParts& parts,
                           const ProgressFn& progress, const std::string& local_tables = "");

}  // namespace mm::storage
