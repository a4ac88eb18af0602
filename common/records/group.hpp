// The group record (man/mm-manifest.5): one import group as mm-npy writes it, as mm-upload adds
// where its files are stored, and as mm-bulkinsert adds how its import ended. One reader and one
// writer serve all three, so a field is named in one place.
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "manifest.hpp"

namespace mm::records {

// A run of live rows of one segment: live rows [first_live, first_live + rows).
struct GroupPiece {
  std::string segment_id, table_id;
  uint64_t first_live = 0, rows = 0;
  bool operator==(const GroupPiece& o) const {
    return segment_id == o.segment_id && table_id == o.table_id && first_live == o.first_live && rows == o.rows;
  }
};

// Field name -> path or object key, in the record's order.
using FieldFiles = std::vector<std::pair<std::string, std::string>>;

// What mm-upload adds.
struct GroupUpload {
  FieldFiles objects;
  std::string storage;  // the store's own description, a JSON object (never a credential)
  bool uploaded = false;
};

// What mm-bulkinsert adds.
struct GroupImport {
  int64_t task = 0;
  std::string state = "completed";
  bool earlier_run = false;
  std::optional<bool> resumed;  // only for an import of this run
};

struct Group {
  // Required in every group record.
  std::string collection, name;
  // mm-npy writes all of these; a hand-made record may leave them out, and they stay out.
  std::string partition = "_default";
  std::optional<std::string> tag, dir, vector;
  std::optional<uint64_t> rows, bytes;
  std::optional<int64_t> dim;
  FieldFiles files;
  bool has_files = false;
  std::optional<std::vector<GroupPiece>> pieces;
  std::optional<bool> reused;
  // Members this reader does not know, kept (as JSON text) after the known ones.
  std::vector<std::pair<std::string, std::string>> other;
  std::optional<GroupUpload> upload;
  std::optional<GroupImport> import;

  // The path or key of `field` in `files` (or `objects`); nullptr when there is none.
  const std::string* file(const std::string& field) const;
  const std::string* object(const std::string& field) const;
  // rows, or a bad-data error naming the group.
  uint64_t required_rows() const;
};

// Every field a group record can have, in the order they are written.
const std::vector<std::string>& group_fields();

// Reads a "group" record; refuses (kExitBadData) mistyped fields, naming the group and the field.
Group read_group(const rapidjson::Value& record);

void write_pieces(JsonWriter& w, const std::vector<GroupPiece>& pieces);
void write_record(JsonWriter& w, const Group& group);
std::string to_json(const Group& group);

}  // namespace mm::records
