#include "milvus2x/schema_check.hpp"

namespace mm::milvus2x {
namespace {
constexpr int kInt64 = 5, kBinaryVector = 100, kFloatVector = 101;  // schema.DataType
}

std::optional<std::string> schema_problem(Client& client, const std::string& collection, const std::string& id_field,
                                          const std::string& vector_field, bool binary, int64_t dim) {
  bool id_ok = false, vector_ok = false;
  for (const auto& f : client.describe_collection(collection)) {
    if (f.name == id_field) {
      if (f.data_type != kInt64 || !f.primary || f.auto_id)
        return "field " + f.name + " is not an Int64 primary key with autoID off";
      id_ok = true;
    } else if (f.name == vector_field) {
      if (f.data_type != (binary ? kBinaryVector : kFloatVector) || f.dim != dim)
        return "field " + f.name + " is not a " + (binary ? "BinaryVector" : "FloatVector") + " of dim " +
               std::to_string(dim) + " (it has type " + std::to_string(f.data_type) + ", dim " + std::to_string(f.dim) + ")";
      vector_ok = true;
    } else if (f.name != "$meta") {
      return "it has a field " + f.name + " that the 1.x data cannot fill";
    }
  }
  if (!id_ok || !vector_ok)
    return "no field named " + (id_ok ? vector_field : id_field) + " (see --id-field/--vector-field)";
  return std::nullopt;
}

}  // namespace mm::milvus2x
