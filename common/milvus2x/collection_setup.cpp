#include "milvus2x/collection_setup.hpp"

#include <algorithm>

#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus2x/schema_check.hpp"
#include "records/catalog.hpp"

namespace mm::milvus2x {
CollectionSetup::CollectionSetup(Client& client, ImportJournal& journal, const ServerRules& rules, std::string id_field,
                                 std::string vector_field)
    : client_(client), journal_(journal), rules_(rules), id_field_(std::move(id_field)), vector_field_(std::move(vector_field)) {}

void CollectionSetup::on_collection(const rapidjson::Value& r) {
  const auto c = records::read_collection(r);
  const std::string& name = c.name;
  CollectionInfo info;
  info.dim = c.dim;
  info.binary = c.vector == milvus1x::VectorKind::Binary;
  info.metric = c.metric;
  info.engine_type = c.engine_type;
  info.index_params = c.index_params;
  const std::string where = "milvus " + client_.address() + ": collection " + name;

  if (client_.has_collection(name)) {
    auto fields = client_.describe_collection(name);
    if (auto problem = import_problem(fields, rules_)) fail(where + " cannot take the import: " + *problem);
    if (auto problem = schema_problem(fields, id_field_, vector_field_, info.binary, info.dim))
      fail(where + " exists with an incompatible schema: " + *problem);
    log_info("collection " + name + " exists with a compatible schema");
  } else {
    client_.create_collection(name, id_field_, vector_field_, info.binary ? VectorType::Binary : VectorType::Float, info.dim,
                              "Migrated from Milvus 1.x by milvus-mm");
    log_info("created collection " + name + " (" + (info.binary ? "BinaryVector" : "FloatVector") + ", dim " +
             std::to_string(info.dim) + ")");
  }
  collections_[name] = info;
  ensure_baseline(name, "_default");
}

void CollectionSetup::on_partition(const rapidjson::Value& r) {
  const auto p = records::read_partition(r);
  const std::string &collection = p.collection, &partition = p.name;
  if (!knows(collection)) bad_data("partition " + partition + " arrives before its collection " + collection);
  if (partition != "_default" && !client_.has_partition(collection, partition)) {
    client_.create_partition(collection, partition);
    log_info("created partition " + collection + "/" + partition + " (1.x tag \"" + p.tag + "\")");
  }
  ensure_baseline(collection, partition);
}

void CollectionSetup::prepare_partition(const std::string& collection, const std::string& partition) {
  if (partition != "_default" && !journal_.baseline(collection, partition) && !client_.has_partition(collection, partition))
    client_.create_partition(collection, partition);
  ensure_baseline(collection, partition);
}

void CollectionSetup::ensure_baseline(const std::string& collection, const std::string& partition) {
  auto key = std::make_pair(collection, partition);
  if (std::find(touched_.begin(), touched_.end(), key) == touched_.end()) touched_.push_back(key);
  if (journal_.baseline(collection, partition)) return;
  journal_.record_baseline(collection, partition, client_.partition_rows(collection, partition));
}

}  // namespace mm::milvus2x
