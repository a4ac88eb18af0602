#include "records/catalog.hpp"

#include "errors.hpp"
#include "milvus1x/names.hpp"

namespace mm::records {

using namespace milvus1x;

namespace {
void key_string(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), rapidjson::SizeType(value.size()));
}
void key_int(JsonWriter& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}

void write_record(JsonWriter& w, const Collection& c) {
  w.StartObject();
  key_string(w, "kind", "collection");
  key_string(w, "collection", c.name);
  key_int(w, "dim", c.dim);
  key_string(w, "vector", vector_kind_name(c.vector));
  key_int(w, "metric", c.metric);
  key_string(w, "metric_name", metric_name(c.metric));
  key_int(w, "index_type", c.engine_type);
  key_string(w, "index_name", engine_name(c.engine_type));
  w.Key("index_params");
  rapidjson::Document params;
  if (parse_json(params, c.index_params) && params.IsObject())
    params.Accept(w);
  else
    w.String(c.index_params.c_str());
  key_int(w, "index_file_size", c.index_file_size);
  key_int(w, "id_flag", c.flag);
  key_int(w, "created_on", c.created_on);
  key_string(w, "version", c.version);
  w.EndObject();
}

void write_record(JsonWriter& w, const Partition& p) {
  w.StartObject();
  key_string(w, "kind", "partition");
  key_string(w, "collection", p.collection);
  key_string(w, "partition", p.name);
  key_string(w, "tag", p.tag);
  key_string(w, "table_id", p.table_id);
  w.EndObject();
}

void write_record(JsonWriter& w, const Segment& s) {
  w.StartObject();
  key_string(w, "kind", "segment");
  key_string(w, "collection", s.collection);
  key_string(w, "partition", s.partition);
  key_string(w, "tag", s.tag);
  key_string(w, "table_id", s.table_id);
  key_string(w, "segment_id", s.segment_id);
  key_int(w, "file_type", s.file_type);
  key_int(w, "row_count", s.row_count);
  key_int(w, "file_size", s.file_size);
  key_int(w, "dim", s.dim);
  key_string(w, "vector", vector_kind_name(s.vector));
  if (s.scanned) {
    key_string(w, "dir", s.dir);
    key_string(w, "rv", s.rv);
    key_string(w, "uid", s.uid);
    key_string(w, "deleted_docs", s.deleted_docs);
    key_int(w, "rows", int64_t(s.rows));
    key_int(w, "deleted", int64_t(s.deleted));
    key_int(w, "live", int64_t(s.live));
  }
  w.EndObject();
}

template <typename T>
std::string record_json(const T& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_record(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string to_json(const Collection& c) { return record_json(c); }
std::string to_json(const Partition& p) { return record_json(p); }
std::string to_json(const Segment& s) { return record_json(s); }

Segment read_segment(const rapidjson::Value& r) {
  // get_string() and friends name the field in their errors as "segment record: field ...".
  auto fail_record = [](const std::string& what) { bad_data("segment record: " + what); };
  Segment s;
  s.collection = get_string(r, "collection");
  s.partition = get_string_or(r, "partition", "_default");
  s.tag = get_string_or(r, "tag", "");
  s.table_id = get_string_or(r, "table_id", s.collection);
  s.segment_id = get_string(r, "segment_id");
  for (const auto& [field, value] : {std::pair<const char*, const std::string&>{"collection", s.collection},
                                     {"partition", s.partition}, {"tag", s.tag}})
    if (!is_valid_utf8(value)) fail_record(std::string(field) + " " + quoted(value) + " is not valid UTF-8");
  if (!is_decimal_id(s.segment_id))
    fail_record("segment_id " + quoted(s.segment_id) + " is not a decimal number (a 1.x segment id)");
  if (!is_table_id(s.table_id))
    fail_record("table_id " + quoted(s.table_id) + " is neither a decimal number nor a collection name");
  const std::string what = "segment " + s.segment_id + ": ";
  const int64_t file_type = r.HasMember("file_type") ? get_int(r, "file_type") : -1;
  if (!is_live_file_type(file_type))
    fail_record(what + "file_type " + std::to_string(file_type) + " is not -1, 1 (RAW), 2 (TO_INDEX) or 7 (BACKUP)");
  s.file_type = int(file_type);
  s.row_count = r.HasMember("row_count") ? get_int(r, "row_count") : 0;
  s.file_size = r.HasMember("file_size") ? get_int(r, "file_size") : 0;
  const int64_t dim = get_int(r, "dim");
  const std::string vector = get_string(r, "vector");
  if (vector != "float" && vector != "binary")
    fail_record(what + "unknown vector kind " + quoted(vector) + " (expected float or binary)");
  s.vector = parse_vector_kind(vector);
  if (dim <= 0 || dim > kMaxDimension || (s.vector == VectorKind::Binary && dim % 8 != 0))
    fail_record(what + "invalid dimension " + std::to_string(dim) + " (1 to " + std::to_string(kMaxDimension) +
                (s.vector == VectorKind::Binary ? ", a multiple of 8 for binary)" : ")"));
  s.dim = int(dim);
  if (r.HasMember("rv")) {
    s.scanned = true;
    s.dir = get_string(r, "dir");
    s.rv = get_string(r, "rv");
    s.uid = get_string(r, "uid");
    s.deleted_docs = get_string(r, "deleted_docs");
    s.rows = get_uint(r, "rows");
    s.deleted = get_uint(r, "deleted");
    s.live = get_uint(r, "live");
    if (s.deleted > s.rows || s.live != s.rows - s.deleted)
      fail_record(what + "live " + std::to_string(s.live) + " is not rows " + std::to_string(s.rows) + " minus deleted " +
                  std::to_string(s.deleted));
  }
  return s;
}

std::string to_json(const UnflushedChanges& c, const std::string& wal_dir) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  auto text = [&](const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.c_str(), rapidjson::SizeType(value.size()));
  };
  w.StartObject();
  text("kind", "unflushed");
  text("collection", c.collection);
  text("tag", c.tag);
  text("wal", wal_dir);
  for (const auto& [name, value] : {std::pair<const char*, uint64_t>{"insert_records", c.insert_records},
                                    {"insert_rows", c.insert_rows},
                                    {"delete_records", c.delete_records},
                                    {"delete_ids", c.delete_ids}}) {
    w.Key(name);
    w.Uint64(value);
  }
  if (c.flush_lsn >= 0) {
    w.Key("flush_lsn");
    w.Int64(c.flush_lsn);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mm::records
