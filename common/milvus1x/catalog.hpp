// What a Milvus 1.x installation holds, as the migration sees it: collections, partitions and the
// segments that carry live rows. Both meta backends fill the raw rows; select_catalog() applies the
// selection rules of the 1.x format (research note §2.5, §5).
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "manifest.hpp"

namespace mm::milvus1x {

enum class VectorKind { Float, Binary };

// Tables.state, TableFiles.file_type and metric_type values, the same in 0.9.0 … 1.1.x.
constexpr int kStateNormal = 0;
constexpr int kStateDropped = 1;  // TO_DELETE
constexpr int kFileRaw = 1, kFileToIndex = 2, kFileIndex = 3, kFileBackup = 7;
// What Milvus 1.x accepts: dimension 1 to 32768 (in bits for binary vectors, then a multiple of 8),
// metric_type 1 (L2) to 7 (SUPERSTRUCTURE), engine_type 0 (INVALID) to 12 (ANNOY).
constexpr int64_t kMaxDimension = 32768;
constexpr int64_t kMinMetric = 1, kMaxMetric = 7, kMinEngine = 0, kMaxEngine = 12;
bool is_binary_metric(int64_t metric);
const char* metric_name(int metric);
const char* engine_name(int engine_type);
const char* vector_kind_name(VectorKind kind);
VectorKind parse_vector_kind(const std::string& text);
// Bytes of one row in .rv: 4·dim for float, dim/8 for binary (dim in bits).
uint64_t row_bytes(int dim, VectorKind kind);

// One row of the Tables table (collections and partitions alike). Integers are kept as the source
// holds them (64 bits) and range-checked by select_catalog(), never cut to fit.
struct TableRow {
  std::string origin;  // where the row is, for messages: "Tables row id=3 (films_l2)", "collection c"
  std::string table_id;
  int64_t state = 0;
  int64_t dimension = 0;
  int64_t created_on = 0;
  int64_t flag = 0;
  int64_t index_file_size = 0;
  int64_t engine_type = 0;
  std::string index_params;
  int64_t metric_type = 0;
  std::string owner_table;
  std::string partition_tag;
  std::string version;
  int64_t flush_lsn = 0;  // the last WAL position whose changes are in the segment files
};

// One row of TableFiles. file_type is -1 when unknown (meta.json does not carry it).
struct FileRow {
  std::string origin;  // "TableFiles row id=19", "collection c, segments[2]"
  std::string table_id;
  std::string segment_id;
  std::string file_id;
  int64_t file_type = 0;
  int64_t row_count = 0;  // -1: unknown (negative or REAL in the source)
  int64_t file_size = 0;
  int64_t created_on = 0;  // 0: unknown
};

struct MetaRows {
  std::string source;  // the file or server the rows came from, first in every message about them
  bool has_flush_lsn = true;  // false for meta.json, which does not carry Tables.flush_lsn
  std::vector<TableRow> tables;
  std::vector<FileRow> files;
};

struct Collection {
  std::string name;
  int dim = 0;
  int metric = 0;
  VectorKind vector = VectorKind::Float;
  int engine_type = 0;
  std::string index_params;
  int64_t index_file_size = 0;
  int64_t flag = 0;
  int64_t created_on = 0;
  std::string version;
};

struct Partition {
  std::string collection;
  std::string tag;       // the 1.x tag
  std::string name;      // the 2.x partition name
  std::string table_id;  // the directory under tables/
};

// A segment as mm-meta emits it; mm-scan fills the file fields.
struct Segment {
  std::string collection;
  std::string partition = "_default";  // 2.x name
  std::string tag;                     // 1.x tag, "" for the default partition
  std::string table_id;
  std::string segment_id;
  int file_type = -1;
  int64_t row_count = 0;
  int64_t file_size = 0;
  int dim = 0;
  VectorKind vector = VectorKind::Float;
  // Filled by mm-scan.
  bool scanned = false;
  std::string dir, rv, uid, deleted_docs;
  uint64_t rows = 0, deleted = 0, live = 0;
};

struct Catalog {
  std::vector<Collection> collections;
  std::vector<Partition> partitions;
  std::vector<Segment> segments;
  std::vector<std::string> warnings;  // one line each, for the user (not errors)
};

// Applies the 1.x selection rules and checks every value it takes (ids safe in paths, integers in
// range, text valid UTF-8, no table or segment listed twice, no INDEX row without its raw row); a
// violation is a kExitBadData error naming rows.source and the row. `only` is applied first, so
// rows of other collections are never checked; milvus-migration's flattened partitions (top-level
// "collections" named by a numeric table id) are refused in one message naming them. `only` filters collections by name (empty: all); an unknown
// name is a usage error. Skipped rows are reported through `note` (one human line each).
Catalog select_catalog(const MetaRows& rows, const std::vector<std::string>& only,
                       const std::function<void(const std::string&)>& note);

// A data file of this type is live (raw, to be indexed, backup, or -1 for "any" in meta.json).
bool is_live_file_type(int64_t file_type);

}  // namespace mm::milvus1x
