// Whether an existing 2.x collection can hold a 1.x collection: an Int64 primary key with autoID
// off, a vector field of the same kind and dimension, and no other field the 1.x rows cannot fill.
#pragma once
#include <optional>
#include <string>

#include "milvus2x/client.hpp"

namespace mm::milvus2x {

// Nothing when compatible, else what is wrong (one phrase, for an error line).
std::optional<std::string> schema_problem(Client& client, const std::string& collection, const std::string& id_field,
                                          const std::string& vector_field, bool binary, int64_t dim);

}  // namespace mm::milvus2x
