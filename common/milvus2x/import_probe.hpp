// The most reported failure of Milvus imports is files put where Milvus does not read them
// (another bucket, or outside minio.rootPath): found today only when the first real import fails,
// after a whole group was converted and uploaded. The probe finds it within seconds: a tiny group
// written beside the groups, imported into a throw-away collection, both removed again.
#pragma once
#include <string>

#include "milvus2x/client.hpp"
#include "milvus2x/import_server.hpp"
#include "storage/object_store.hpp"
#include "storage/open_store.hpp"

namespace mm::milvus2x {

// Fails with one line saying what Milvus cannot see and what to check.
void run_import_probe(Client& client, ImportServer& server, storage::ObjectStore& store, const storage::StoreSpec& spec,
                      const std::string& prefix, int timeout_seconds);

}  // namespace mm::milvus2x
