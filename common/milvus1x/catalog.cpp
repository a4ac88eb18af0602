#include "milvus1x/catalog.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "errors.hpp"
#include "milvus1x/names.hpp"

namespace mm::milvus1x {

bool is_binary_metric(int metric) { return metric >= 3 && metric <= 7; }

const char* metric_name(int metric) {
  static const char* names[] = {"INVALID", "L2", "IP", "HAMMING", "JACCARD", "TANIMOTO", "SUBSTRUCTURE", "SUPERSTRUCTURE"};
  return metric >= 0 && metric <= 7 ? names[metric] : "UNKNOWN";
}

const char* engine_name(int engine_type) {
  static const char* names[] = {"INVALID", "FLAT",       "IVF_FLAT",     "IVF_SQ8",   "RNSG",  "IVF_SQ8H", "IVF_PQ",
                                "SPTAG_KDT", "SPTAG_BKT", "BIN_FLAT", "BIN_IVF_FLAT", "HNSW", "ANNOY"};
  return engine_type >= 0 && engine_type <= 12 ? names[engine_type] : "UNKNOWN";
}

const char* vector_kind_name(VectorKind kind) { return kind == VectorKind::Binary ? "binary" : "float"; }

VectorKind parse_vector_kind(const std::string& text) {
  if (text == "float") return VectorKind::Float;
  if (text == "binary") return VectorKind::Binary;
  bad_data("unknown vector kind \"" + text + "\" (expected float or binary)");
}

uint64_t row_bytes(int dim, VectorKind kind) {
  return kind == VectorKind::Binary ? uint64_t(dim) / 8 : uint64_t(dim) * 4;
}

namespace {

// Segment ids are decimal strings; order them numerically so output order is stable and natural.
bool numeric_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

bool is_live_file_type(int file_type) {
  return file_type == -1 || file_type == kFileRaw || file_type == kFileToIndex || file_type == kFileBackup;
}

Collection collection_from_row(const TableRow& row) {
  Collection c;
  c.name = row.table_id;
  c.dim = row.dimension;
  c.metric = row.metric_type;
  c.vector = is_binary_metric(row.metric_type) ? VectorKind::Binary : VectorKind::Float;
  c.engine_type = row.engine_type;
  c.index_params = row.index_params;
  c.index_file_size = row.index_file_size;
  c.flag = row.flag;
  c.created_on = row.created_on;
  c.version = row.version;
  if (!is_valid_2x_name(c.name))
    bad_data("meta: collection name \"" + c.name + "\" is not a valid Milvus 2.x name (letters, digits and '_')");
  if (c.dim <= 0) bad_data("meta: collection " + c.name + " has dimension " + std::to_string(c.dim));
  if (c.vector == VectorKind::Binary && c.dim % 8 != 0)
    bad_data("meta: binary collection " + c.name + " has dimension " + std::to_string(c.dim) +
             ", which is not a multiple of 8 bits");
  return c;
}

std::string known_names(const std::map<std::string, Collection>& live) {
  std::string list;
  for (const auto& [name, c] : live) list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "none" : list;
}

// Where a table_id's files belong.
struct Owner {
  const Collection* collection;
  std::string partition, tag;
};

}  // namespace

Catalog select_catalog(const MetaRows& rows, const std::vector<std::string>& only,
                       const std::function<void(const std::string&)>& note) {
  std::map<std::string, Collection> live;
  std::set<std::string> dropped;
  for (const auto& row : rows.tables) {
    if (!row.owner_table.empty()) continue;
    if (row.state == kStateNormal)
      live.emplace(row.table_id, collection_from_row(row));
    else
      dropped.insert(row.table_id);
  }
  for (const auto& name : dropped) note("skipping dropped collection " + name);

  std::set<std::string> wanted;
  for (const auto& name : only) {
    if (!live.count(name))
      bad_usage("unknown collection \"" + name + "\"" + (dropped.count(name) ? " (it was dropped in 1.x)" : "") +
                "; collections present: " + known_names(live));
    wanted.insert(name);
  }
  auto is_wanted = [&](const std::string& name) { return wanted.empty() || wanted.count(name) > 0; };

  Catalog catalog;
  std::map<std::string, Owner> owners;  // table_id -> where its files go
  for (const auto& [name, c] : live) {
    if (!is_wanted(name)) continue;
    catalog.collections.push_back(c);
  }
  for (const auto& c : catalog.collections) owners[c.name] = Owner{&c, "_default", ""};

  std::map<std::pair<std::string, std::string>, std::string> name_taken;  // (collection, 2.x name) -> tag
  for (const auto& row : rows.tables) {
    if (row.owner_table.empty()) continue;
    const std::string what = "partition \"" + row.partition_tag + "\" (" + row.table_id + ") of " + row.owner_table;
    auto owner = live.find(row.owner_table);
    if (row.state != kStateNormal) {
      note("skipping dropped " + what);
      continue;
    }
    if (owner == live.end()) {
      note("skipping orphan " + what + ": its collection is dropped or missing");
      continue;
    }
    if (!is_wanted(row.owner_table)) continue;
    // 1.1.2 routes the explicit tag "_default" to the default partition; older rows merge there too.
    std::string name = row.partition_tag == "_default" ? "_default" : partition_name_for_tag(row.partition_tag);
    auto [taken, inserted] = name_taken.emplace(std::make_pair(row.owner_table, name), row.partition_tag);
    if (!inserted && name != "_default")
      bad_data("meta: partitions \"" + taken->second + "\" and \"" + row.partition_tag + "\" of " + row.owner_table +
               " both map to the 2.x name " + name);
    catalog.partitions.push_back(Partition{row.owner_table, row.partition_tag, name, row.table_id});
  }
  std::sort(catalog.partitions.begin(), catalog.partitions.end(), [](const Partition& a, const Partition& b) {
    return std::tie(a.collection, a.tag, a.table_id) < std::tie(b.collection, b.tag, b.table_id);
  });
  const Collection* by_name = nullptr;
  for (const auto& p : catalog.partitions) {
    for (const auto& c : catalog.collections)
      if (c.name == p.collection) by_name = &c;
    owners[p.table_id] = Owner{by_name, p.name, p.tag};
  }

  std::set<std::pair<std::string, std::string>> seen;
  size_t unowned = 0;
  for (const auto& f : rows.files) {
    if (!is_live_file_type(f.file_type)) continue;
    auto owner = owners.find(f.table_id);
    if (owner == owners.end()) {
      if (!live.count(f.table_id)) ++unowned;  // files of filtered-out collections are not news
      continue;
    }
    if (f.file_id != f.segment_id)
      bad_data("meta: TableFiles row of segment " + f.segment_id + " in " + f.table_id + " has file_type " +
               std::to_string(f.file_type) + " but file_id " + f.file_id + " (a raw-data row must have file_id == segment_id)");
    if (!seen.emplace(f.table_id, f.segment_id).second)
      bad_data("meta: segment " + f.segment_id + " in " + f.table_id +
               " has more than one RAW/TO_INDEX/BACKUP row in TableFiles");
    const Collection& c = *owner->second.collection;
    Segment s;
    s.collection = c.name;
    s.partition = owner->second.partition;
    s.tag = owner->second.tag;
    s.table_id = f.table_id;
    s.segment_id = f.segment_id;
    s.file_type = f.file_type;
    s.row_count = f.row_count;
    s.file_size = f.file_size;
    s.dim = c.dim;
    s.vector = c.vector;
    catalog.segments.push_back(std::move(s));
  }
  if (unowned) note("skipping " + std::to_string(unowned) + " segment rows of dropped, orphan or unknown tables");

  // Default partition first, then partitions by tag, then segments in numeric order.
  std::sort(catalog.segments.begin(), catalog.segments.end(), [](const Segment& a, const Segment& b) {
    if (a.collection != b.collection) return a.collection < b.collection;
    if (a.tag != b.tag) return a.tag < b.tag;
    if (a.table_id != b.table_id) return a.table_id < b.table_id;
    return numeric_less(a.segment_id, b.segment_id);
  });
  return catalog;
}

namespace {
void key_string(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), rapidjson::SizeType(value.size()));
}
void key_int(JsonWriter& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}
}  // namespace

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
static std::string record_json(const T& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_record(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_json(const Collection& c) { return record_json(c); }
std::string to_json(const Partition& p) { return record_json(p); }
std::string to_json(const Segment& s) { return record_json(s); }

Segment segment_from_record(const rapidjson::Value& r) {
  Segment s;
  s.collection = get_string(r, "collection");
  s.partition = get_string_or(r, "partition", "_default");
  s.tag = get_string_or(r, "tag", "");
  s.table_id = get_string_or(r, "table_id", s.collection);
  s.segment_id = get_string(r, "segment_id");
  s.file_type = r.HasMember("file_type") ? int(get_int(r, "file_type")) : -1;
  s.row_count = r.HasMember("row_count") ? get_int(r, "row_count") : 0;
  s.file_size = r.HasMember("file_size") ? get_int(r, "file_size") : 0;
  s.dim = int(get_int(r, "dim"));
  s.vector = parse_vector_kind(get_string(r, "vector"));
  if (s.dim <= 0 || (s.vector == VectorKind::Binary && s.dim % 8 != 0))
    bad_data("segment " + s.segment_id + ": invalid dimension " + std::to_string(s.dim));
  if (r.HasMember("rv")) {
    s.scanned = true;
    s.dir = get_string(r, "dir");
    s.rv = get_string(r, "rv");
    s.uid = get_string(r, "uid");
    s.deleted_docs = get_string(r, "deleted_docs");
    s.rows = get_uint(r, "rows");
    s.deleted = get_uint(r, "deleted");
    s.live = get_uint(r, "live");
  }
  return s;
}

}  // namespace mm::milvus1x
