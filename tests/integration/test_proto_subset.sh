#!/usr/bin/env bash
# Every message, field number, type and RPC in proto/ matches the official Milvus protos that the npm
# package @zilliz/milvus2-sdk-node ships (fetched now): its 2.3 and 2.4 lines, spanning the servers we target.
source "$(dirname "$0")/lib.sh"
for version in 2.3.5 2.4.9; do
  dir=$SCRATCH/sdk-$version
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "@zilliz/milvus2-sdk-node@$version" >/dev/null && tar xzf ./*.tgz)
  official=$dir/package/dist/proto/proto
  [ -f "$official/milvus.proto" ] || { fail "$version: no protos in the package"; continue; }
  if $PY "$MM_SRC/tests/integration/check_proto_subset.py" "$MM_SRC/proto" "$official"; then
    pass "proto/ matches the official protos of milvus2-sdk-node $version"
  else
    fail "proto/ differs from milvus2-sdk-node $version"
  fi
done
finish
