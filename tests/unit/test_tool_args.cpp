#include <boost/test/unit_test.hpp>

#include <map>

#include "config/config.hpp"
#include "config/tool_args.hpp"

using namespace mm::config;

namespace {

const std::string kHead = R"(dumper:
  worker:
    workMode: milvus1x
    limit: 3
meta:
  mode: mysql
  mysqlUrl: root:pw@tcp(db:3306)/milvus
source:
  mode: local
  local:
    tablesDir: /data/db/tables
)";

using Values = std::map<std::string, std::vector<std::string>>;

Values args_of(const std::string& rest, std::optional<std::string> collections = std::nullopt) {
  Values out;
  for (auto& v : tool_args(Config::parse(kHead + rest, "m.yaml"), collections)) out[v.name] = v.words;
  return out;
}

// The value after FLAG in WORDS ("" when FLAG has no value, "(absent)" when not there).
std::string flag(const std::vector<std::string>& words, const std::string& name) {
  for (size_t i = 0; i < words.size(); ++i)
    if (words[i] == name) return i + 1 < words.size() && (words[i + 1][0] != '-' || words[i + 1] == "-") ? words[i + 1] : "";
  return "(absent)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(remote_target_maps_every_key_and_no_secret) {
  auto v = args_of(R"(target:
  mode: remote
  remote:
    outputDir: /pre/fix/
    cloud: aws
    endpoint: minio:9000
    bucket: b
    ak: THE-AK
    sk: THE-SK
    useSSL: true
  milvus2x:
    endpoint: milvus:19530
    password: THE-PW
milvusmm:
  groupSize: 2G
  verifySample: 7
  probe: false
  tls:
    caFile: /ca.pem
)");
  BOOST_TEST(flag(v["upload_args"], "--prefix") == "pre/fix/migration");
  BOOST_TEST(flag(v["upload_args"], "--endpoint") == "minio:9000");
  BOOST_TEST(flag(v["upload_args"], "--use-ssl") == "");
  BOOST_TEST(flag(v["npy_args"], "--group-size") == "2G");
  BOOST_TEST(flag(v["npy_args"], "--out") == "mm-work/npy");
  BOOST_TEST(flag(v["npy_args"], "-j") == "3");
  BOOST_TEST(flag(v["npy_args"], "--announce-chunks") == "");  // mm-upload streams the groups
  BOOST_TEST(flag(v["bulk_args"], "--verify-sample") == "7");
  BOOST_TEST(flag(v["bulk_args"], "--no-probe") == "");
  BOOST_TEST(flag(v["bulk_args"], "--tls") == "");  // implied by the CA file
  BOOST_TEST(flag(v["verify_args"], "--sample") == "7");
  BOOST_TEST(flag(v["meta_args"], "--mysql") == "-");  // the DSN goes on stdin
  BOOST_TEST(v["fetch_tables"].empty());
  for (const auto& [name, words] : v)
    for (const auto& w : words) BOOST_TEST((w.find("THE-") == std::string::npos && w.find("pw@") == std::string::npos), name << " holds a secret");
}

BOOST_AUTO_TEST_CASE(local_target_and_defaults) {
  auto v = args_of(R"(target:
  mode: local
  local:
    outputDir: /srv/milvus/
)");
  BOOST_TEST(v["upload_args"].empty());
  BOOST_TEST(flag(v["npy_args"], "--out") == "/srv/milvus/migration");
  BOOST_TEST(flag(v["npy_args"], "--announce-chunks") == "(absent)");  // no mm-upload to read them
  BOOST_TEST(flag(v["bulk_args"], "--verify-sample") == "(absent)");
  BOOST_TEST(flag(v["verify_args"], "--sample") == "100");
  BOOST_TEST(flag(v["bulk_args"], "--journal") == "mm-work/mm-bulkinsert.journal");
  BOOST_TEST(flag(v["scan_args"], "--tables") == "/data/db/tables");
}

// Azure's endpoint is derived from the account, and mm-upload takes none for GCS.
BOOST_AUTO_TEST_CASE(azure_and_gcs_uploads_get_no_endpoint) {
  for (const auto& [cloud, backend] : {std::pair<std::string, std::string>{"az", "azure"}, {"gcp", "gcs"}}) {
    auto v = args_of("target:\n  mode: remote\n  remote:\n    cloud: " + cloud + "\n    endpoint: ignored:1\n    bucket: c\n");
    BOOST_TEST(flag(v["upload_args"], "--backend") == backend);
    BOOST_TEST(flag(v["upload_args"], "--endpoint") == "(absent)");
  }
}

BOOST_AUTO_TEST_CASE(collections_override_even_when_empty) {
  const std::string rest = R"(target:
  mode: local
  local:
    outputDir: /o
milvusmm:
  collections: [a, b]
)";
  BOOST_TEST(flag(args_of(rest)["meta_args"], "--collections") == "a,b");
  BOOST_TEST(flag(args_of(rest, "c")["meta_args"], "--collections") == "c");
  BOOST_TEST(flag(args_of(rest, "")["meta_args"], "--collections") == "(absent)");
}

BOOST_AUTO_TEST_CASE(segment_store_fetches_into_the_work_directory) {
  auto v = args_of(R"(target:
  mode: local
  local:
    outputDir: /o
milvusmm:
  workDir: /w
  segmentStore:
    address: s3host
    port: "9000"
    bucket: segments
)");
  BOOST_TEST(flag(v["fetch_tables"], "--endpoint") == "s3host:9000");
  BOOST_TEST(flag(v["fetch_tables"], "--prefix") == "/data/db/tables");
  BOOST_TEST(flag(v["fetch_tables"], "--deleted-docs-from") == "/data/db/tables");
  BOOST_TEST(flag(v["fetch_tables"], "--dir") == "/w/tables");
  BOOST_TEST(flag(v["scan_args"], "--tables") == "/w/tables");
  BOOST_TEST(v["fetch_key_names"] == (std::vector<std::string>{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shell_lines_quote_every_word) {
  BOOST_TEST(shell_line({"a", {"x y", "it's"}}) == "a=('x y' 'it'\\''s')");
  BOOST_TEST(shell_line({"s", {"v"}, true}) == "s='v'");
}
