#include "milvus2x/post_import.hpp"

#include "errors.hpp"
#include "log.hpp"
#include "milvus2x/index_map.hpp"
#include "milvus2x/sample_check.hpp"

namespace mm::milvus2x {

PostImport::PostImport(Client& client, PostImportOptions options) : client_(client), options_(std::move(options)) {}

void PostImport::add_sample_source(const std::string& collection, const std::string& id_file, const std::string& vector_file) {
  groups_[collection].emplace_back(id_file, vector_file);
}

void PostImport::run(const std::map<std::string, CollectionInfo>& collections, const std::map<std::string, int64_t>& unindexable) {
  if (options_.create_index || options_.load || options_.verify_sample) index_and_load(collections, unindexable);
  if (options_.verify_sample)
    for (const auto& [name, info] : collections) verify_sample(name);
}

void PostImport::index_and_load(const std::map<std::string, CollectionInfo>& collections,
                                const std::map<std::string, int64_t>& unindexable) {
  for (const auto& [name, info] : collections) {
    if (options_.create_index && !client_.has_index(name, options_.vector_field)) {
      IndexSpec spec = index_for_1x(info.engine_type, info.metric, info.index_params);
      client_.create_index(name, options_.vector_field, spec.index_type, spec.metric, spec.params);
      log_info("building index " + spec.index_type + " " + spec.params + " (" + spec.metric + ") on " + name);
      auto left = unindexable.find(name);
      client_.wait_index(name, options_.vector_field, 3600, left == unindexable.end() ? 0 : left->second);
    }
    if (options_.load) {
      if (!client_.has_index(name, options_.vector_field))
        fail("milvus " + client_.address() + ": cannot load " + name + ": it has no index (use --create-index)");
      client_.load(name, 1800);
      log_info("loaded " + name);
    }
  }
}

void PostImport::verify_sample(const std::string& name) {
  auto groups = groups_.find(name);
  if (groups == groups_.end()) return;
  std::vector<std::unique_ptr<RowSource>> sources;
  for (const auto& [ids, vectors] : groups->second) sources.push_back(group_rows(ids, vectors));
  const auto result = check_sample(client_, name, options_.id_field, options_.vector_field, options_.verify_sample, sources);
  if (result.skipped)
    log_warning("verify-sample: " + name + ": skipped " + std::to_string(result.skipped) +
                " rows with id 2^63-1, which Milvus does not return from queries");
  if (!result.misses.empty())
    fail("verify-sample: " + name + " id " + std::to_string(result.misses[0].id) +
         (result.misses[0].missing ? ": not found in Milvus" : ": the vector in Milvus differs from the source"));
  if (result.checked) log_info("verify-sample: " + std::to_string(result.checked) + " random rows of " + name + " read back bit-exact");
}

}  // namespace mm::milvus2x
