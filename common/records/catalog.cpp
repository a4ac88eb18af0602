#include "records/catalog.hpp"

#include "errors.hpp"
#include "milvus1x/names.hpp"
#include "records/fields.hpp"
#include "records/record_builder.hpp"

namespace mm::records {

using namespace milvus1x;

std::string to_json(const Collection& c) {
  Record r("collection");
  r.text("collection", c.name)
      .integer("dim", c.dim)
      .text("vector", vector_kind_name(c.vector))
      .integer("metric", c.metric)
      .text("metric_name", metric_name(c.metric))
      .integer("index_type", c.engine_type)
      .text("index_name", engine_name(c.engine_type));
  // 1.x keeps its index parameters as JSON text: an object when it parses as one
  rapidjson::Document params;
  if (parse_json(params, c.index_params) && params.IsObject())
    r.raw_object("index_params", mm::to_json(params));
  else
    r.text("index_params", c.index_params);
  return r.integer("index_file_size", c.index_file_size)
      .integer("id_flag", c.flag)
      .integer("created_on", c.created_on)
      .text("version", c.version)
      .done();
}

std::string to_json(const Partition& p) {
  return Record("partition")
      .text("collection", p.collection)
      .text("partition", p.name)
      .text("tag", p.tag)
      .text("table_id", p.table_id)
      .done();
}

SegmentRef read_segment_ref(const rapidjson::Value& r) {
  return SegmentRef{get_string_or(r, "collection", ""), get_string(r, "table_id"), get_string(r, "segment_id")};
}

Collection read_collection(const rapidjson::Value& r) {
  Collection c;
  c.name = get_string(r, "collection");
  c.dim = int(get_int(r, "dim"));
  const std::string vector = get_string(r, "vector");
  if (vector != "float" && vector != "binary")
    bad_data("collection record: unknown vector kind " + quoted(vector) + " (expected float or binary)");
  c.vector = parse_vector_kind(vector);
  c.metric = r.HasMember("metric") ? int(get_int(r, "metric")) : 1;
  c.engine_type = r.HasMember("index_type") ? int(get_int(r, "index_type")) : 1;
  auto params = r.FindMember("index_params");
  c.index_params = params == r.MemberEnd() ? "{}" : params->value.IsString() ? params->value.GetString() : mm::to_json(params->value);
  c.index_file_size = r.HasMember("index_file_size") ? get_int(r, "index_file_size") : 0;
  c.flag = r.HasMember("id_flag") ? get_int(r, "id_flag") : 0;
  c.created_on = r.HasMember("created_on") ? get_int(r, "created_on") : 0;
  c.version = get_string_or(r, "version", "");
  return c;
}

Partition read_partition(const rapidjson::Value& r) {
  Partition p;
  p.collection = get_string(r, "collection");
  p.name = get_string(r, "partition");
  p.tag = get_string_or(r, "tag", "");
  p.table_id = get_string_or(r, "table_id", "");
  return p;
}

std::string to_json(const Segment& s) {
  Record r("segment");
  r.text("collection", s.collection)
      .text("partition", s.partition)
      .text("tag", s.tag)
      .text("table_id", s.table_id)
      .text("segment_id", s.segment_id)
      .integer("file_type", s.file_type)
      .integer("row_count", s.row_count)
      .integer("file_size", s.file_size)
      .integer("dim", s.dim)
      .text("vector", vector_kind_name(s.vector));
  if (s.scanned)  // what mm-scan adds
    r.text("dir", s.dir)
        .text("rv", s.rv)
        .text("uid", s.uid)
        .text("deleted_docs", s.deleted_docs)
        .integer("rows", int64_t(s.rows))
        .integer("deleted", int64_t(s.deleted))
        .integer("live", int64_t(s.live));
  return r.done();
}

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
  Record r("unflushed");
  r.text("collection", c.collection)
      .text("tag", c.tag)
      .text("wal", wal_dir)
      .count("insert_records", c.insert_records)
      .count("insert_rows", c.insert_rows)
      .count("delete_records", c.delete_records)
      .count("delete_ids", c.delete_ids);
  if (c.flush_lsn >= 0) r.integer("flush_lsn", c.flush_lsn);
  return r.done();
}

UnflushedChanges read_unflushed(const rapidjson::Value& record, std::string& wal_dir) {
  const Fields f(record, "unflushed record");
  UnflushedChanges c;
  c.collection = f.need_text("collection");
  c.tag = f.text("tag").value_or("");
  wal_dir = f.text("wal").value_or("");
  c.insert_records = f.count("insert_records").value_or(0);
  c.insert_rows = f.count("insert_rows").value_or(0);
  c.delete_records = f.count("delete_records").value_or(0);
  c.delete_ids = f.count("delete_ids").value_or(0);
  c.flush_lsn = f.integer("flush_lsn").value_or(-1);
  return c;
}

}  // namespace mm::records
