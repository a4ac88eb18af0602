#include <boost/test/unit_test.hpp>

#include "config/config.hpp"
#include "errors.hpp"

using namespace mm::config;

namespace {

const char* kValid = R"(dumper:
  worker:
    workMode: milvus1x
    limit: 4
    reader:
      bufferSize: 1024
meta:
  mode: sqlite
  sqliteFile: /data/milvus/db/meta.sqlite
source:
  mode: local
  local:
    tablesDir: /data/milvus/db/tables
target:
  mode: remote
  remote:
    outputDir: /data
    cloud: aws
    bucket: a-bucket
    ak: minio'admin
    sk: s3cr3t
  milvus2x:
    endpoint: localhost:19530
    password: "pa ss"
milvusmm:
  createIndex: yes
  collections: [a, b]
)";

// The message of the usage error parsing TEXT throws ("" when none).
std::string usage_error(const std::string& text) {
  try {
    Config::parse(text, "migration.yaml");
  } catch (const mm::Error& e) {
    BOOST_TEST(e.exit_code() == mm::kExitUsage);
    return e.what();
  }
  return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  for (const auto& l : lines)
    if (l == line) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(edit_distance_counts_edits) {
  BOOST_TEST(edit_distance("", "abc") == 3u);
  BOOST_TEST(edit_distance("kitten", "sitting") == 3u);
  BOOST_TEST(edit_distance("sqliteFile", "sqlitefile") == 0u);  // case does not count
  BOOST_TEST(edit_distance("meta.sqlitFile", "meta.sqliteFile") == 1u);
}

BOOST_AUTO_TEST_CASE(nearest_key_suggestions) {
  BOOST_TEST(nearest_key("meta.sqlitFile") == "meta.sqliteFile");
  BOOST_TEST(nearest_key("meta.mysqlURL") == "meta.mysqlUrl");
  BOOST_TEST(nearest_key("target.remote.useSsl") == "target.remote.useSSL");
  BOOST_TEST(nearest_key("taget") == "target");
  BOOST_TEST(nearest_key("milvusmm.verifysamples") == "milvusmm.verifySample");
  BOOST_TEST(nearest_key("dumper.worker.workmod") == "dumper.worker.workMode");
}

BOOST_AUTO_TEST_CASE(valid_file_is_read_with_defaults) {
  Config c = Config::parse(kValid, "migration.yaml");
  BOOST_TEST(c.get("dumper.worker.limit") == "4");
  BOOST_TEST(c.get("loader.worker.limit") == "2");                 // milvus-migration default
  BOOST_TEST(c.get("dumper.worker.writer.bufferSize") == "1048576");
  BOOST_TEST(c.get("target.milvus2x.endpoint") == "localhost:19530");
  BOOST_TEST(c.get("milvusmm.createIndex") == "true");
  BOOST_TEST(c.get("milvusmm.collections") == "a,b");
  BOOST_TEST(c.get("milvusmm.workDir") == "mm-work");
}

BOOST_AUTO_TEST_CASE(limits_at_or_below_zero_mean_the_default) {
  Config c = Config::parse(replace(kValid, "limit: 4", "limit: 0"), "m.yaml");
  BOOST_TEST(c.get("dumper.worker.limit") == "2");
}

BOOST_AUTO_TEST_CASE(unknown_key_names_line_and_nearest_key) {
  std::string msg = usage_error(replace(kValid, "sqliteFile:", "sqlitFile:"));
  BOOST_TEST(msg == "migration.yaml:9: unknown key \"meta.sqlitFile\"; did you mean \"meta.sqliteFile\"?");
  msg = usage_error(replace(kValid, "milvusmm:\n  createIndex", "milvusmm:\n  createIndx"));
  BOOST_TEST(msg == "migration.yaml:26: unknown key \"milvusmm.createIndx\"; did you mean \"milvusmm.createIndex\"?");
  msg = usage_error(replace(kValid, "target:\n", "taget:\n"));
  BOOST_TEST(msg == "migration.yaml:14: unknown key \"taget\"; did you mean \"target\"?");
}

BOOST_AUTO_TEST_CASE(wrong_types_and_values_are_usage_errors) {
  BOOST_TEST(usage_error(replace(kValid, "limit: 4", "limit: four")) ==
             "migration.yaml:4: \"dumper.worker.limit\": expected a whole number, found \"four\"");
  BOOST_TEST(usage_error(replace(kValid, "cloud: aws", "cloud: GCP")) ==
             "migration.yaml:18: \"target.remote.cloud\": \"GCP\" is not one of aws,gcp,azure,az,ali,tc");
  BOOST_TEST(usage_error(replace(kValid, "createIndex: yes", "createIndex: maybe")) ==
             "migration.yaml:26: \"milvusmm.createIndex\": expected true or false, found \"maybe\"");
  BOOST_TEST(usage_error(replace(kValid, "  mode: sqlite\n", "  mode: mysql\n")) ==
             "migration.yaml:8: \"meta.mysqlUrl\" is required with meta.mode mysql");
  BOOST_TEST(usage_error(replace(kValid, "workMode: milvus1x", "workMode: faiss")).find("not supported") != std::string::npos);
  BOOST_TEST(usage_error(replace(kValid, "meta:\n", "meta:\n  mode: mock\nmeta:\n")).find("given twice") != std::string::npos);
  BOOST_TEST(usage_error("meta: [").find("migration.yaml:") == 0);
  // A group size Milvus cannot import fails here, naming the key, not later inside mm-npy.
  for (const char* size : {"17G", "0", "1.5G", "lots"})
    BOOST_TEST(usage_error(replace(kValid, "milvusmm:\n", std::string("milvusmm:\n  groupSize: ") + size + "\n")) ==
               std::string("migration.yaml:26: \"milvusmm.groupSize\": expected a size from 1 to 16G (Milvus imports at most 16 GiB a group), found \"") +
                   size + "\"");
  BOOST_TEST(usage_error(replace(kValid, "milvusmm:\n", "milvusmm:\n  groupSize: 16G\n")) == "");
  BOOST_TEST(usage_error("a: " + std::string(50000, '[')).find(": not valid YAML: nested too deeply") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(local_meta_mode_takes_a_local_file) {
  std::string text = replace(kValid, "  mode: sqlite\n  sqliteFile: /data/milvus/db/meta.sqlite",
                             "  mode: local\n  localFile: ./meta.json");
  Config c = Config::parse(text, "m.yaml");
  BOOST_TEST(c.get("meta.localFile") == "./meta.json");
  BOOST_TEST(has_line(c.env_lines(), "export MM_META_MODE='local'"));
}

BOOST_AUTO_TEST_CASE(env_lines_quote_values_and_carry_secrets) {
  auto lines = Config::parse(kValid, "migration.yaml").env_lines();
  BOOST_TEST(has_line(lines, "export AWS_ACCESS_KEY_ID='minio'\\''admin'"));
  BOOST_TEST(has_line(lines, "export AWS_SECRET_ACCESS_KEY='s3cr3t'"));
  BOOST_TEST(has_line(lines, "export MM_MILVUS_PASSWORD='pa ss'"));
  BOOST_TEST(has_line(lines, "export MM_TARGET_REMOTE_OUTPUT_DIR='data'"));  // leading '/' dropped
  BOOST_TEST(has_line(lines, "export MM_DUMPER_LIMIT='4'"));
  for (const auto& l : lines) BOOST_TEST(l.find("MM_MYSQL_DSN") == std::string::npos);  // unset secret: not printed
  auto azure = Config::parse(replace(kValid, "cloud: aws", "cloud: azure"), "m.yaml").env_lines();
  BOOST_TEST(has_line(azure, "export AZURE_STORAGE_KEY='s3cr3t'"));
  BOOST_TEST(has_line(azure, "export AZURE_STORAGE_ACCOUNT='minio'\\''admin'"));
}
