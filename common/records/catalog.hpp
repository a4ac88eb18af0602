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
// A segment record of a manifest, checked: ids safe in paths (decimal segment_id, table_id a
// decimal or a collection name), names valid UTF-8, dim in range, and for a scanned record
// deleted <= rows and live == rows - deleted. Errors are kExitBadData and start with
// "segment record: "; the caller adds the manifest's FILE:LINE.
milvus1x::Segment read_segment(const rapidjson::Value& record);
// What the WAL holds past a table's flush_lsn, left behind by --ignore-unflushed.
std::string to_json(const milvus1x::UnflushedChanges& changes, const std::string& wal_dir);

}  // namespace mm::records
