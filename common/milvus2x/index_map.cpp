#include "milvus2x/index_map.hpp"

#include <rapidjson/document.h>

#include "manifest.hpp"

namespace mm::milvus2x {
namespace {

// Copies the named integer parameters that exist in the 1.x params into a JSON object.
std::string pick(const rapidjson::Document& from, std::initializer_list<std::pair<const char*, int>> keys) {
  rapidjson::Document out(rapidjson::kObjectType);
  for (const auto& [key, fallback] : keys) {
    int value = fallback;
    if (from.IsObject() && from.HasMember(key) && from[key].IsInt()) value = from[key].GetInt();
    out.AddMember(rapidjson::StringRef(key), value, out.GetAllocator());
  }
  return to_json(out);
}

}  // namespace

IndexSpec index_for_1x(int engine_type, int metric, const std::string& params_json) {
  rapidjson::Document p;
  parse_json(p, params_json);
  static const char* metrics[] = {"L2", "L2", "IP", "HAMMING", "JACCARD", "JACCARD", "SUBSTRUCTURE", "SUPERSTRUCTURE"};
  IndexSpec spec;
  spec.metric = metric >= 1 && metric <= 7 ? metrics[metric] : "L2";  // TANIMOTO ranks like JACCARD
  const bool binary = metric >= 3 && metric <= 7;
  switch (engine_type) {
    case 2: spec = {"IVF_FLAT", spec.metric, pick(p, {{"nlist", 1024}})}; break;
    case 3:
    case 5: spec = {"IVF_SQ8", spec.metric, pick(p, {{"nlist", 1024}})}; break;  // SQ8H was SQ8 on a GPU
    case 6: spec = {"IVF_PQ", spec.metric, pick(p, {{"nlist", 1024}, {"m", 8}, {"nbits", 8}})}; break;
    case 10: spec = {"BIN_IVF_FLAT", spec.metric, pick(p, {{"nlist", 1024}})}; break;
    case 11: spec = {"HNSW", spec.metric, pick(p, {{"M", 16}, {"efConstruction", 200}})}; break;
    case 4:   // RNSG, SPTAG and ANNOY have no 2.x counterpart: HNSW is the nearest graph index
    case 7:
    case 8:
    case 12: spec = {"HNSW", spec.metric, "{\"M\":16,\"efConstruction\":200}"}; break;
    default: spec = {binary ? "BIN_FLAT" : "FLAT", spec.metric, "{}"};  // FLAT, BIN_FLAT, unknown
  }
  if (binary && spec.index_type != "BIN_IVF_FLAT") spec = {"BIN_FLAT", spec.metric, "{}"};
  return spec;
}

}  // namespace mm::milvus2x
