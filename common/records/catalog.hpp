// The records mm-meta writes from the 1.x catalog (man/mm-manifest.5): collection, partition,
// segment (which mm-scan reads, completes and writes again) and unflushed.
#pragma once
#include <rapidjson/document.h>

#include <string>

#include "milvus1x/catalog.hpp"
#include "milvus1x/wal_check.hpp"

namespace mm::records {

std::string to_json(const milvus1x::Collection& c);
std::string to_json(const milvus1x::Partition& p);
std::string to_json(const milvus1x::Segment& s);
// A collection record: collection, dim and vector required; metric and index_type default to 1
// (L2, FLAT), index_params to "{}" (kept as JSON text). Errors are kExitBadData.
milvus1x::Collection read_collection(const rapidjson::Value& record);
// A partition record: collection and partition required.
milvus1x::Partition read_partition(const rapidjson::Value& record);
// A segment record of a manifest, checked: ids safe in paths (decimal segment_id, table_id a
// decimal or a collection name), names valid UTF-8, dim in range, and for a scanned record
// deleted <= rows and live == rows - deleted. Errors are kExitBadData and start with
// "segment record: "; the caller adds the manifest's FILE:LINE.
milvus1x::Segment read_segment(const rapidjson::Value& record);
// The ids of a segment record: all mm-fetch needs, and all a record made for it may hold.
struct SegmentRef {
  std::string collection, table_id, segment_id;
};
SegmentRef read_segment_ref(const rapidjson::Value& record);
// What the WAL holds past a table's flush_lsn, left behind by --ignore-unflushed.
std::string to_json(const milvus1x::UnflushedChanges& changes, const std::string& wal_dir);
// An "unflushed" record; `wal_dir` receives its WAL directory.
milvus1x::UnflushedChanges read_unflushed(const rapidjson::Value& record, std::string& wal_dir);

}  // namespace mm::records
