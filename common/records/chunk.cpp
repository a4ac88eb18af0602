#include "records/chunk.hpp"

#include "records/fields.hpp"
#include "records/record_builder.hpp"

namespace mm::records {

std::string to_json(const Chunk& c) {
  return Record("chunk")
      .text("collection", c.collection)
      .text("partition", c.partition)
      .text("group", c.group)
      .array("files", c.files,
             [](Record& r, const WrittenRange& f) {
               r.text("field", f.field).text("path", f.path).text("final_path", f.final_path).count("size", f.size).count("offset", f.offset).count(
                   "length", f.length);
             })
      .done();
}

Chunk read_chunk(const rapidjson::Value& record) {
  Fields f(record, "chunk record");
  Chunk c;
  c.collection = f.need_text("collection");
  c.partition = f.need_text("partition");
  c.group = f.need_text("group");
  const auto* files = f.find("files");
  if (!files || !files->IsArray()) f.refuse("files", "an array");
  for (const auto& file : files->GetArray()) {
    Fields in(file, "chunk record of group " + c.group + ", file");
    WrittenRange r{in.need_text("field"), in.need_text("path"), in.need_text("final_path"), in.need_count("size"),
                   in.need_count("offset"), in.need_count("length")};
    if (r.offset > r.size || r.length > r.size - r.offset)
      bad_data(in.what() + " " + r.field + ": range " + std::to_string(r.offset) + "+" + std::to_string(r.length) +
               " beyond its size " + std::to_string(r.size));
    c.files.push_back(std::move(r));
  }
  return c;
}

}  // namespace mm::records
