#include "milvus1x/catalog.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "errors.hpp"
#include "milvus1x/names.hpp"

namespace mm::milvus1x {

bool is_binary_metric(int64_t metric) { return metric >= 3 && metric <= 7; }

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
  bad_data("unknown vector kind " + quoted(text) + " (expected float or binary)");
}

uint64_t row_bytes(int dim, VectorKind kind) {
  return kind == VectorKind::Binary ? uint64_t(dim) / 8 : uint64_t(dim) * 4;
}

bool is_live_file_type(int64_t file_type) {
  return file_type == -1 || file_type == kFileRaw || file_type == kFileToIndex || file_type == kFileBackup;
}

namespace {

// Segment ids are decimal strings; order them numerically so output order is stable and natural.
bool numeric_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// "SOURCE: ORIGIN" for messages about one row.
std::string at(const MetaRows& rows, const std::string& origin) { return rows.source + ": " + origin; }

void check_table_id(const MetaRows& rows, const TableRow& row) {
  if (!is_table_id(row.table_id))
    bad_data(at(rows, row.origin) + ": table_id " + quoted(row.table_id) +
             " is neither a decimal number nor a collection name (letters, digits and '_')");
}

void check_text(const MetaRows& rows, const std::string& origin, const char* column, const std::string& value) {
  if (!is_valid_utf8(value)) bad_data(at(rows, origin) + ": " + column + " " + quoted(value) + " is not valid UTF-8");
}

void check_range(const MetaRows& rows, const TableRow& row, const char* column, int64_t value, int64_t low,
                 int64_t high, const char* what) {
  if (value < low || value > high)
    bad_data(at(rows, row.origin) + ": " + column + " " + std::to_string(value) + " is not " +
             what + " (" + std::to_string(low) + " to " + std::to_string(high) + ")");
}

Collection collection_from_row(const MetaRows& rows, const TableRow& row) {
  if (!is_valid_utf8(row.table_id) || !is_valid_2x_name(row.table_id))
    bad_data(at(rows, row.origin) + ": collection name " + quoted(row.table_id) +
             " is not a valid Milvus 2.x name (letters, digits and '_')");
  check_range(rows, row, "dimension", row.dimension, 1, kMaxDimension, "a 1.x dimension");
  check_range(rows, row, "metric_type", row.metric_type, kMinMetric, kMaxMetric, "a 1.x metric type");
  check_range(rows, row, "engine_type", row.engine_type, kMinEngine, kMaxEngine, "a 1.x engine type");
  check_text(rows, row.origin, "index_params", row.index_params);
  check_text(rows, row.origin, "version", row.version);
  Collection c;
  c.name = row.table_id;
  c.dim = int(row.dimension);
  c.metric = int(row.metric_type);
  c.vector = is_binary_metric(c.metric) ? VectorKind::Binary : VectorKind::Float;
  c.engine_type = int(row.engine_type);
  c.index_params = row.index_params;
  c.index_file_size = row.index_file_size;
  c.flag = row.flag;
  c.created_on = row.created_on;
  c.version = row.version;
  if (c.vector == VectorKind::Binary && c.dim % 8 != 0)
    bad_data(at(rows, row.origin) + ": binary collection " + c.name + " has dimension " + std::to_string(c.dim) +
             ", which is not a multiple of 8 bits");
  return c;
}

// The names for a message, cut to about 200 characters.
std::string known_names(const std::vector<std::string>& names) {
  std::string list;
  size_t left = names.size();
  for (const auto& name : names) {
    if (list.size() > 200) {
      list += ", ... (" + std::to_string(left) + " more)";
      break;
    }
    list += (list.empty() ? "" : ", ") + name;
    --left;
  }
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
  std::map<std::string, const TableRow*> by_id;
  for (const auto& row : rows.tables) {
    if (row.state != kStateNormal && row.state != kStateDropped)
      bad_data(at(rows, row.origin) + ": state " + std::to_string(row.state) +
               " is neither 0 (normal) nor 1 (dropped)");
    auto [first, inserted] = by_id.emplace(row.table_id, &row);
    if (!inserted)
      bad_data(rows.source + ": table_id " + shown_name(row.table_id) + " listed twice (" + first->second->origin + " and " +
               row.origin + ")");
  }

  std::map<std::string, const TableRow*> live;  // collection name -> its row
  std::set<std::string> dropped;
  for (const auto& row : rows.tables) {
    if (!row.owner_table.empty()) continue;
    if (row.state == kStateNormal)
      live.emplace(row.table_id, &row);
    else
      dropped.insert(row.table_id);
  }
  for (const auto& name : dropped) note("skipping dropped collection " + shown_name(name));
  std::vector<std::string> live_names;
  for (const auto& [name, row] : live) live_names.push_back(name);

  // The selection first: rows of other collections are never checked.
  std::set<std::string> wanted;
  for (const auto& name : only) {
    if (!live.count(name))
      bad_usage("unknown collection " + quoted(name) + (dropped.count(name) ? " (it was dropped in 1.x)" : "") +
                "; collections present: " + known_names(live_names));
    wanted.insert(name);
  }
  auto is_wanted = [&](const std::string& name) { return wanted.empty() || wanted.count(name) > 0; };

  // milvus-migration's export writes every live Tables row as a collection, partitions included,
  // named by their numeric table id and without their collection or tag (1.x names start with a
  // letter or '_', so a decimal name is one of those).
  std::vector<std::string> flattened;
  for (const auto& [name, row] : live)
    if (is_wanted(name) && is_decimal_id(name)) flattened.push_back(name);
  if (!flattened.empty())
    bad_data(rows.source + ": " + std::to_string(flattened.size()) + (flattened.size() == 1 ? " collection" : " collections") +
             " named by a numeric table id (" + known_names(flattened) +
             ") are partitions flattened by milvus-migration's export, which leaves out their collection and tag: "
             "read the 1.x metadata with --sqlite or --mysql, which keep the partition structure, or leave them out "
             "with --collections");

  Catalog catalog;
  std::map<std::string, Owner> owners;  // table_id -> where its files go
  for (const auto& [name, row] : live)
    if (is_wanted(name)) catalog.collections.push_back(collection_from_row(rows, *row));
  for (const auto& c : catalog.collections) owners[c.name] = Owner{&c, "_default", ""};

  std::map<std::pair<std::string, std::string>, std::string> name_taken;  // (collection, 2.x name) -> tag
  for (const auto& row : rows.tables) {
    if (row.owner_table.empty()) continue;
    const std::string what = "partition " + quoted(row.partition_tag) + " (" + shown_name(row.table_id) + ") of " +
                             shown_name(row.owner_table);
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
    check_table_id(rows, row);
    check_text(rows, row.origin, "partition_tag", row.partition_tag);
    // 1.1.2 routes the explicit tag "_default" to the default partition; older rows merge there too.
    std::string name = row.partition_tag == "_default" ? "_default" : partition_name_for_tag(row.partition_tag);
    auto [taken, inserted] = name_taken.emplace(std::make_pair(row.owner_table, name), row.partition_tag);
    if (!inserted && name != "_default")
      bad_data(rows.source + ": partitions " + quoted(taken->second) + " and " + quoted(row.partition_tag) + " of " +
               row.owner_table + " both map to the 2.x name " + name);
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

  std::map<std::pair<std::string, std::string>, const FileRow*> seen;  // (table_id, segment_id) -> its row
  std::vector<const FileRow*> index_rows;
  size_t unowned = 0;
  for (const auto& f : rows.files) {
    if (f.file_type == kFileIndex) index_rows.push_back(&f);
    if (!is_live_file_type(f.file_type)) continue;
    auto owner = owners.find(f.table_id);
    if (owner == owners.end()) {
      if (!live.count(f.table_id)) ++unowned;  // files of filtered-out collections are not news
      continue;
    }
    const std::string where = at(rows, f.origin) + " (of table " + f.table_id + ")";
    if (!is_decimal_id(f.segment_id))
      bad_data(where + ": segment_id " + quoted(f.segment_id) + " is not a decimal number (a 1.x segment id)");
    if (!is_decimal_id(f.file_id))
      bad_data(where + ": file_id " + quoted(f.file_id) + " is not a decimal number (a 1.x file id)");
    if (f.file_id != f.segment_id)
      bad_data(where + ": segment " + f.segment_id + " has file_type " + std::to_string(f.file_type) + " but file_id " +
               f.file_id + " (a raw-data row must have file_id == segment_id)");
    auto [first, inserted] = seen.emplace(std::make_pair(f.table_id, f.segment_id), &f);
    if (!inserted) {
      if (f.file_type == -1)  // meta.json: the same segment written twice
        bad_data(rows.source + ": segment " + f.segment_id + " of table " + f.table_id + " listed twice (" +
                 first->second->origin + " and " + f.origin + ")");
      bad_data(rows.source + ": " + first->second->origin + " and " + f.origin + " both hold segment " + f.segment_id +
               " of table " + f.table_id + " (file_type " + std::to_string(first->second->file_type) + " and " +
               std::to_string(f.file_type) + "); a 1.x segment has one RAW, TO_INDEX or BACKUP row");
    }
    if (f.row_count < 0)
      catalog.warnings.push_back(where + ": row_count is not a row count (negative or REAL); the segment's files are counted");
    // A drop is two transactions: after a crash between them, raw rows of the dropped collection
    // stay and belong to a later collection of the same name, as in Milvus itself.
    const TableRow& table = *by_id.at(f.table_id);
    if (f.created_on > 0 && table.created_on > 0 && f.created_on < table.created_on)
      catalog.warnings.push_back(where + ": segment " + f.segment_id + " is older than its table (created_on " +
                                 std::to_string(f.created_on) + " < " + std::to_string(table.created_on) +
                                 "): left by a collection of the same name dropped before a crash, it is migrated with this one, as Milvus 1.x serves it");
    const Collection& c = *owner->second.collection;
    Segment s;
    s.collection = c.name;
    s.partition = owner->second.partition;
    s.tag = owner->second.tag;
    s.table_id = f.table_id;
    s.segment_id = f.segment_id;
    s.file_type = int(f.file_type);
    s.row_count = f.row_count;
    s.file_size = f.file_size;
    s.dim = c.dim;
    s.vector = c.vector;
    catalog.segments.push_back(std::move(s));
  }
  if (unowned) note("skipping " + std::to_string(unowned) + " segment rows of dropped, orphan or unknown tables");
  // No code path of 0.9.1-1.1.1 leaves an INDEX row without its raw row, but a segment read only
  // through its index would vanish from the migration without a word.
  for (const FileRow* f : index_rows)
    if (owners.count(f->table_id) && !seen.count({f->table_id, f->segment_id}))
      bad_data(at(rows, f->origin) + " (of table " + f->table_id + "): segment " + f->segment_id +
               " has an INDEX file but no raw row (RAW, TO_INDEX or BACKUP): its vectors would be only inside the index, "
               "which cannot be migrated (a damaged meta?)");

  // Default partition first, then partitions by tag, then segments in numeric order.
  std::sort(catalog.segments.begin(), catalog.segments.end(), [](const Segment& a, const Segment& b) {
    if (a.collection != b.collection) return a.collection < b.collection;
    if (a.tag != b.tag) return a.tag < b.tag;
    if (a.table_id != b.table_id) return a.table_id < b.table_id;
    return numeric_less(a.segment_id, b.segment_id);
  });
  return catalog;
}

}  // namespace mm::milvus1x
