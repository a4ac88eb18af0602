// The nearest Milvus 2.x index for a 1.x index type, parameters and metric.
#pragma once
#include <string>

namespace mm::milvus2x {

struct IndexSpec {
  std::string index_type;  // e.g. IVF_FLAT
  std::string metric;      // e.g. L2
  std::string params;      // JSON object, e.g. {"nlist":1024}
};

// engine_type and metric use the 1.x numbers; params_json is the 1.x index_params.
IndexSpec index_for_1x(int engine_type, int metric, const std::string& params_json);

}  // namespace mm::milvus2x
