// milvus-migration's meta.json: {"collections":[{"collection","metric","rows","dim","segments":[
// {"collection","segment","dim","rows","fileSize"}]}],"rows"}. It has no partitions, so we add
// "partitions":[{"tag","tableId","rows","segments":[...]}] plus "indexType"/"indexParams" per
// collection; milvus-migration ignores keys it does not know.
#include <rapidjson/prettywriter.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "errors.hpp"
#include "fs_sync.hpp"
#include "manifest.hpp"
#include "milvus1x/meta_readers.hpp"
#include "milvus1x/names.hpp"

namespace mm::milvus1x {
namespace {

const rapidjson::Value& member(const rapidjson::Value& object, const char* key, const std::string& where) {
  if (!object.IsObject()) bad_data(where + ": expected an object with \"" + key + "\"");
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) bad_data(where + ": missing \"" + key + "\"");
  return it->value;
}

std::string str(const rapidjson::Value& object, const char* key, const std::string& where) {
  const auto& v = member(object, key, where);
  if (!v.IsString()) bad_data(where + ": \"" + key + "\" is not a string");
  return v.GetString();
}

int64_t num(const rapidjson::Value& object, const char* key, const std::string& where) {
  const auto& v = member(object, key, where);
  if (!v.IsInt64()) bad_data(where + ": \"" + key + "\" is not an integer");
  return v.GetInt64();
}

// `origin` names the owner in messages ("collection c", "collection c, partition \"p\"").
void read_segments(const rapidjson::Value& owner, const std::string& table_id, const std::string& origin,
                   const std::string& where, MetaRows& rows) {
  if (!owner.IsObject()) bad_data(where + ": expected an object");
  auto it = owner.FindMember("segments");
  if (it == owner.MemberEnd()) return;
  if (!it->value.IsArray()) bad_data(where + ": \"segments\" is not an array");
  size_t index = 0;
  for (const auto& s : it->value.GetArray()) {
    FileRow f;
    f.origin = origin + ", segments[" + std::to_string(index++) + "]";
    f.segment_id = str(s, "segment", where);
    f.table_id = s.HasMember("tableId") ? str(s, "tableId", where) : table_id;
    f.file_id = f.segment_id;
    f.file_type = -1;  // meta.json lists only segments that were selected already
    f.row_count = num(s, "rows", where);
    f.file_size = s.HasMember("fileSize") ? num(s, "fileSize", where) : 0;
    rows.files.push_back(std::move(f));
  }
}

void key(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.c_str(), rapidjson::SizeType(v.size()));
}
void key(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const char* k, int64_t v) {
  w.Key(k);
  w.Int64(v);
}

int64_t write_segments(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const Catalog& catalog,
                       const Collection& c, const std::string& table_id) {
  int64_t total = 0;
  w.Key("segments");
  w.StartArray();
  for (const auto& s : catalog.segments) {
    if (s.table_id != table_id) continue;
    w.StartObject();
    key(w, "collection", c.name);
    key(w, "segment", s.segment_id);
    key(w, "dim", c.dim);
    key(w, "rows", s.row_count);
    key(w, "fileSize", s.file_size);
    if (table_id != c.name) key(w, "tableId", table_id);
    w.EndObject();
    total += s.row_count;
  }
  w.EndArray();
  return total;
}

}  // namespace

MetaRows read_meta_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_errno(path, "cannot open meta.json", errno);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail_errno(path, "cannot read meta.json", errno);
  rapidjson::Document doc;
  if (!parse_json(doc, text) || !doc.IsObject())
    bad_data(path + ": not a JSON object of at most " + std::to_string(kMaxJsonDepth) + " levels (expected milvus-migration's meta.json)");
  const auto& collections = member(doc, "collections", path);
  if (!collections.IsArray()) bad_data(path + ": \"collections\" is not an array");

  MetaRows rows;
  rows.source = path;
  rows.has_flush_lsn = false;
  std::set<std::string> names;
  for (const auto& c : collections.GetArray()) {
    TableRow t;
    t.table_id = str(c, "collection", path);
    t.origin = "collection " + shown_name(t.table_id);
    if (!names.insert(t.table_id).second) bad_data(path + ": " + t.origin + " listed twice");
    std::string where = path + ": " + t.origin;
    t.dimension = num(c, "dim", where);
    t.metric_type = num(c, "metric", where);
    t.engine_type = c.HasMember("indexType") ? num(c, "indexType", where) : (is_binary_metric(t.metric_type) ? 9 : 1);
    t.index_params = c.HasMember("indexParams") ? str(c, "indexParams", where) : "{}";
    rows.tables.push_back(t);
    read_segments(c, t.table_id, t.origin, where, rows);
    auto parts = c.FindMember("partitions");
    if (parts == c.MemberEnd()) continue;
    if (!parts->value.IsArray()) bad_data(where + ": \"partitions\" is not an array");
    for (const auto& p : parts->value.GetArray()) {
      TableRow pt = t;
      pt.table_id = str(p, "tableId", where);
      pt.owner_table = t.table_id;
      pt.partition_tag = str(p, "tag", where);
      pt.origin = t.origin + ", partition " + quoted(pt.partition_tag);
      rows.tables.push_back(pt);
      read_segments(p, pt.table_id, pt.origin, path + ": " + pt.origin, rows);
    }
  }
  return rows;
}

void write_meta_json(const Catalog& catalog, const std::string& path) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  int64_t total = 0;
  w.StartObject();
  w.Key("collections");
  w.StartArray();
  for (const auto& c : catalog.collections) {
    w.StartObject();
    key(w, "collection", c.name);
    key(w, "metric", c.metric);
    key(w, "dim", c.dim);
    key(w, "indexType", c.engine_type);
    key(w, "indexParams", c.index_params);
    int64_t rows = write_segments(w, catalog, c, c.name);
    key(w, "rows", rows);
    total += rows;
    w.Key("partitions");
    w.StartArray();
    for (const auto& p : catalog.partitions) {
      if (p.collection != c.name) continue;
      w.StartObject();
      key(w, "tag", p.tag);
      key(w, "partition", p.name);
      key(w, "tableId", p.table_id);
      key(w, "rows", write_segments(w, catalog, c, p.table_id));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  key(w, "rows", total);
  w.EndObject();

  replace_file(path, std::string(buffer.GetString(), buffer.GetSize()) + "\n");
}

}  // namespace mm::milvus1x
