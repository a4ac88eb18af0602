#include "milvus2x/schema_check.hpp"

namespace mm::milvus2x {
namespace {
constexpr int kInt64 = 5, kBinaryVector = 100, kFloatVector = 101;  // schema.DataType
}

std::optional<std::string> schema_problem(const std::vector<FieldInfo>& fields, const std::string& id_field,
                                          const std::string& vector_field, bool binary, int64_t dim) {
  bool id_ok = false, vector_ok = false;
  for (const auto& f : fields) {
    if (f.name == id_field) {
      if (f.data_type != kInt64 || !f.primary || f.auto_id)
        return "field " + f.name + " is not an Int64 primary key with autoID off";
      id_ok = true;
    } else if (f.name == vector_field) {
      if (f.data_type != (binary ? kBinaryVector : kFloatVector) || f.dim != dim)
        return "field " + f.name + " is not a " + (binary ? "BinaryVector" : "FloatVector") + " of dim " +
               std::to_string(dim) + " (it has type " + std::to_string(f.data_type) + ", dim " + std::to_string(f.dim) + ")";
      vector_ok = true;
    } else if (f.name != "$meta" && !f.nullable) {
      return "it has a field " + f.name + " that the 1.x data cannot fill";
    }
  }
  if (!id_ok || !vector_ok)
    return "no field named " + (id_ok ? vector_field : id_field) + " (see --id-field/--vector-field)";
  return std::nullopt;
}

std::optional<std::string> schema_problem(Client& client, const std::string& collection, const std::string& id_field,
                                          const std::string& vector_field, bool binary, int64_t dim) {
  return schema_problem(client.describe_collection(collection), id_field, vector_field, binary, dim);
}

std::optional<std::string> import_problem(const std::vector<FieldInfo>& fields, const ServerRules& rules) {
  for (const auto& f : fields) {
    // The proxy refuses a partition name for a partition-key collection: the 1.x partitions
    // could not be kept.
    if (f.partition_key)
      return "its field " + f.name + " is a partition key, and " + rules.name() +
             " refuses imports into a named partition of such a collection; import into a collection without one";
    if (f.nullable && rules.rejects_numpy_with_nullable())
      return "its field " + f.name + " is nullable, and " + rules.name() +
             " refuses NumPy imports into a collection with a nullable field (2.6 accepts them)";
  }
  return std::nullopt;
}

}  // namespace mm::milvus2x
