#!/usr/bin/env bash
# Every message, field number, type and RPC in proto/ matches the official Milvus protos that the npm
# package @zilliz/milvus2-sdk-node ships (fetched now): its 2.3, 2.4, 2.6 and 3.0 lines, spanning the
# servers we target (from 2.5 on as protobufjs JSON descriptors). Every member must be in the 3.0
# protos; older ones may lack what came later (nullable fields), but wherever a member exists its
# number and type must match.
source "$(dirname "$0")/lib.sh"
for version in 2.3.5 2.4.9 2.6.17 3.0.6; do
  older=()
  [ "$version" = 3.0.6 ] || older=(--older)
  dir=$SCRATCH/sdk-$version
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "@zilliz/milvus2-sdk-node@$version" >/dev/null && tar xzf ./*.tgz)
  official=$dir/package/dist/proto/proto
  [ -d "$official" ] || official=$dir/package/dist/milvus/proto-json
  [ -f "$official/milvus.proto" ] || [ -f "$official/milvus.base.js" ] || { fail "$version: no protos in the package"; continue; }
  if $PY "$MM_SRC/tests/integration/check_proto_subset.py" "${older[@]}" "$MM_SRC/proto" "$official"; then
    pass "proto/ matches the official protos of milvus2-sdk-node $version"
  else
    fail "proto/ differs from milvus2-sdk-node $version"
  fi
done
finish
