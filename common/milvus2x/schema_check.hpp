// Whether an existing 2.x collection can hold a 1.x collection: an Int64 primary key with autoID
// off, a vector field of the same kind and dimension, and no other field the 1.x rows cannot fill
// (a nullable field can stay empty, from 2.6 on). And whether the server accepts a NumPy import
// into it at all.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "milvus2x/client.hpp"
#include "milvus2x/server_rules.hpp"

namespace mm::milvus2x {

// Nothing when compatible, else what is wrong (one phrase, for an error line).
std::optional<std::string> schema_problem(const std::vector<FieldInfo>& fields, const std::string& id_field,
                                          const std::string& vector_field, bool binary, int64_t dim);
std::optional<std::string> schema_problem(Client& client, const std::string& collection, const std::string& id_field,
                                          const std::string& vector_field, bool binary, int64_t dim);
// Why `rules`' server refuses to import NumPy groups into a partition of this collection, if it does.
std::optional<std::string> import_problem(const std::vector<FieldInfo>& fields, const ServerRules& rules);

}  // namespace mm::milvus2x
