#include "records/group.hpp"

#include "errors.hpp"
#include "records/fields.hpp"

namespace mm::records {
namespace {

// files / objects: field -> path. Anything but an object reads as none (the consumer that needs
// them says so); a value that is not a string is refused.
std::optional<FieldFiles> read_paths(const Fields& fields, const char* field) {
  const auto* v = fields.find(field);
  if (!v || !v->IsObject()) return std::nullopt;
  FieldFiles out;
  for (const auto& m : v->GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsString()) bad_data(fields.what() + ": " + field + "." + key + " is not a path");
    out.emplace_back(std::move(key), std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  return out;
}

bool known(const char* name) {
  for (const auto& k : group_fields())
    if (k == name) return true;
  return false;
}

std::vector<GroupPiece> read_pieces(const Fields& fields, const rapidjson::Value& array) {
  if (!array.IsArray()) fields.refuse("pieces", "an array");
  std::vector<GroupPiece> pieces;
  for (const auto& p : array.GetArray()) {
    // get_string and get_uint refuse a piece that is not an object: "expected a JSON object holding"
    pieces.push_back(GroupPiece{get_string(p, "segment_id"), get_string(p, "table_id"), get_uint(p, "first_live"),
                                get_uint(p, "rows")});
  }
  return pieces;
}

GroupImport read_import(const Fields& fields, const rapidjson::Value& v) {
  if (!v.IsObject()) fields.refuse("import", "an object");
  Fields in(v, fields.what() + " import");
  GroupImport i;
  i.task = in.integer("task").value_or(0);
  i.state = in.text("state").value_or("completed");
  i.earlier_run = in.flag("earlier_run").value_or(false);
  i.resumed = in.flag("resumed");
  return i;
}

void text(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), rapidjson::SizeType(value.size()));
}

void write_paths(JsonWriter& w, const char* key, const FieldFiles& paths) {
  w.Key(key);
  w.StartObject();
  for (const auto& [field, path] : paths) text(w, field.c_str(), path);
  w.EndObject();
}

}  // namespace

const std::vector<std::string>& group_fields() {
  static const std::vector<std::string> fields = {"kind",   "collection", "partition", "tag",     "name",    "dir",
                                                  "rows",   "bytes",      "dim",       "vector",  "files",   "pieces",
                                                  "reused", "objects",    "storage",   "uploaded", "import"};
  return fields;
}

const std::string* Group::file(const std::string& field) const {
  for (const auto& [f, path] : files)
    if (f == field) return &path;
  return nullptr;
}

const std::string* Group::object(const std::string& field) const {
  if (upload)
    for (const auto& [f, key] : upload->objects)
      if (f == field) return &key;
  return nullptr;
}

uint64_t Group::required_rows() const {
  if (!rows) bad_data("group " + name + ": field \"rows\" missing");
  return *rows;
}

Group read_group(const rapidjson::Value& record) {
  Group g;
  g.collection = get_string(record, "collection");
  g.name = get_string(record, "name");
  Fields f(record, "group " + g.name);
  g.partition = f.text("partition").value_or("_default");
  g.tag = f.text("tag");
  g.dir = f.text("dir");
  g.rows = f.count("rows");
  g.bytes = f.count("bytes");
  g.dim = f.integer("dim");
  g.vector = f.text("vector");
  if (auto files = read_paths(f, "files")) g.files = std::move(*files), g.has_files = true;
  if (const auto* pieces = f.find("pieces")) g.pieces = read_pieces(f, *pieces);
  g.reused = f.flag("reused");
  for (const auto& m : record.GetObject())
    if (!known(m.name.GetString())) g.other.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()), mm::to_json(m.value));
  if (auto objects = read_paths(f, "objects")) {
    g.upload.emplace();
    g.upload->objects = std::move(*objects);
    if (const auto* storage = f.find("storage")) {
      if (!storage->IsObject()) f.refuse("storage", "an object");
      g.upload->storage = mm::to_json(*storage);
    }
    g.upload->uploaded = f.flag("uploaded").value_or(false);
  }
  if (const auto* import = f.find("import")) g.import = read_import(f, *import);
  return g;
}

void write_pieces(JsonWriter& w, const std::vector<GroupPiece>& pieces) {
  w.StartArray();
  for (const auto& p : pieces) {
    w.StartObject();
    text(w, "segment_id", p.segment_id);
    text(w, "table_id", p.table_id);
    w.Key("first_live");
    w.Uint64(p.first_live);
    w.Key("rows");
    w.Uint64(p.rows);
    w.EndObject();
  }
  w.EndArray();
}

void write_record(JsonWriter& w, const Group& g) {
  w.StartObject();
  text(w, "kind", "group");
  text(w, "collection", g.collection);
  text(w, "partition", g.partition);
  if (g.tag) text(w, "tag", *g.tag);
  text(w, "name", g.name);
  if (g.dir) text(w, "dir", *g.dir);
  if (g.rows) w.Key("rows"), w.Uint64(*g.rows);
  if (g.bytes) w.Key("bytes"), w.Uint64(*g.bytes);
  if (g.dim) w.Key("dim"), w.Int64(*g.dim);
  if (g.vector) text(w, "vector", *g.vector);
  if (g.has_files) write_paths(w, "files", g.files);
  if (g.pieces) w.Key("pieces"), write_pieces(w, *g.pieces);
  if (g.reused) w.Key("reused"), w.Bool(*g.reused);
  for (const auto& [key, json] : g.other) {
    w.Key(key.c_str(), rapidjson::SizeType(key.size()));
    w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
  }
  if (g.upload) {
    write_paths(w, "objects", g.upload->objects);
    if (!g.upload->storage.empty()) {
      w.Key("storage");
      w.RawValue(g.upload->storage.c_str(), g.upload->storage.size(), rapidjson::kObjectType);
    }
    w.Key("uploaded");
    w.Bool(g.upload->uploaded);
  }
  if (g.import) {
    w.Key("import");
    w.StartObject();
    w.Key("task");
    w.Int64(g.import->task);
    text(w, "state", g.import->state);
    w.Key("earlier_run");
    w.Bool(g.import->earlier_run);
    if (g.import->resumed) w.Key("resumed"), w.Bool(*g.import->resumed);
    w.EndObject();
  }
  w.EndObject();
}

std::string to_json(const Group& g) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_record(w, g);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mm::records
