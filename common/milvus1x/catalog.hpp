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
constexpr int kFileRaw = 1, kFileToIndex = 2, kFileBackup = 7;
bool is_binary_metric(int metric);
const char* metric_name(int metric);
const char* engine_name(int engine_type);
const char* vector_kind_name(VectorKind kind);
VectorKind parse_vector_kind(const std::string& text);
// Bytes of one row in .rv: 4·dim for float, dim/8 for binary (dim in bits).
uint64_t row_bytes(int dim, VectorKind kind);

// One row of the Tables table (collections and partitions alike).
struct TableRow {
  std::string table_id;
  int state = 0;
  int dimension = 0;
  int64_t created_on = 0;
  int64_t flag = 0;
  int64_t index_file_size = 0;
  int engine_type = 0;
  std::string index_params;
  int metric_type = 0;
  std::string owner_table;
  std::string partition_tag;
  std::string version;
};

// One row of TableFiles. file_type is -1 when unknown (meta.json does not carry it).
struct FileRow {
  std::string table_id;
  std::string segment_id;
  std::string file_id;
  int file_type = 0;
  int64_t row_count = 0;
  int64_t file_size = 0;
};

struct MetaRows {
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
};

// Applies the 1.x selection rules. `only` filters collections by name (empty: all); an unknown
// name is a usage error. Skipped rows are reported through `note` (one human line each).
Catalog select_catalog(const MetaRows& rows, const std::vector<std::string>& only,
                       const std::function<void(const std::string&)>& note);

// Manifest records.
void write_record(JsonWriter& w, const Collection& c);
void write_record(JsonWriter& w, const Partition& p);
void write_record(JsonWriter& w, const Segment& s);
std::string to_json(const Collection& c);
std::string to_json(const Partition& p);
std::string to_json(const Segment& s);
Segment segment_from_record(const rapidjson::Value& record);

}  // namespace mm::milvus1x
