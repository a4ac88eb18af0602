// milvusmm.sourceConfig: what the 1.x server_config.yaml says, in each layout, on real files.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "config/config.hpp"
#include "config/source_config.hpp"
#include "errors.hpp"

using namespace mm::config;
namespace fs = std::filesystem;

namespace {

// A scratch ROOT with ROOT/conf/server_config.yaml holding TEXT (and ROOT/db/ when `with_db`).
struct Installation {
  fs::path root;
  explicit Installation(const std::string& text, bool with_db = true) {
    char tmpl[] = "/tmp/mm-source-config.XXXXXX";
    root = ::mkdtemp(tmpl);
    fs::create_directories(root / "conf");
    if (with_db) fs::create_directories(root / "db");
    std::ofstream(root / "conf" / "server_config.yaml") << text;
  }
  ~Installation() { fs::remove_all(root); }
  std::string file() const { return (root / "conf" / "server_config.yaml").string(); }
};

std::map<std::string, std::string> values(const SourceConfig& c) {
  std::map<std::string, std::string> out;
  for (const auto& v : c.values) out[v.key] = v.value;
  return out;
}

std::string usage_error(const std::string& file) {
  try {
    read_source_config(file);
  } catch (const mm::Error& e) {
    BOOST_CHECK_EQUAL(e.exit_code(), mm::kExitUsage);
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(source_config)

// 0.9.1's layout (the real fixture's shape): a Docker path moved to the directory above conf/.
BOOST_AUTO_TEST_CASE(layout_09_moved_from_docker_paths) {
  Installation i(R"(db_config:
  backend_url: sqlite://:@:/
storage_config:
  primary_path: /var/lib/milvus
  secondary_path: /mnt/disk2;/mnt/disk3/
wal_config:
  enable: true
  wal_path: /var/lib/milvus/wal
)");
  auto c = read_source_config(i.file());
  auto v = values(c);
  const std::string root = i.root.string();
  BOOST_CHECK_EQUAL(v["meta.mode"], "sqlite");
  BOOST_CHECK_EQUAL(v["meta.sqliteFile"], root + "/db/meta.sqlite");
  BOOST_CHECK_EQUAL(v["source.local.tablesDir"], root + "/db/tables");
  BOOST_CHECK_EQUAL(v["milvusmm.walDir"], root + "/wal");
  // Secondary roots outside the storage path stay as written; each keeps tables/ directly.
  BOOST_CHECK_EQUAL(v["milvusmm.secondaryTablesDirs"], "/mnt/disk2/tables,/mnt/disk3/tables");
  BOOST_REQUIRE_EQUAL(c.notes.size(), 1u);
  BOOST_CHECK(c.notes[0].find("/var/lib/milvus") != std::string::npos);
}

// The 0.10-1.1 layout; a storage path that exists is used as it is.
BOOST_AUTO_TEST_CASE(layout_11_in_place) {
  Installation data("", true);
  Installation i("general:\n  meta_uri: sqlite://:@:/\nstorage:\n  path: " + data.root.string() +
                 "\nwal:\n  enable: true\n  path: /elsewhere/wal\n");
  auto c = read_source_config(i.file());
  auto v = values(c);
  BOOST_CHECK_EQUAL(v["meta.sqliteFile"], data.root.string() + "/db/meta.sqlite");
  BOOST_CHECK_EQUAL(v["milvusmm.walDir"], "/elsewhere/wal");
  BOOST_CHECK(!v.count("milvusmm.secondaryTablesDirs"));
  BOOST_CHECK(c.notes.empty());
}

// MySQL: the URL without its password, and a note that the password there is not used.
BOOST_AUTO_TEST_CASE(mysql_password_left_out) {
  Installation i("general:\n  meta_uri: mysql://root:s3cr3t@10.0.0.5:3306/milvus\nstorage:\n  path: /var/lib/milvus\nwal:\n  enable: false\n");
  auto c = read_source_config(i.file());
  auto v = values(c);
  BOOST_CHECK_EQUAL(v["meta.mode"], "mysql");
  BOOST_CHECK_EQUAL(v["meta.mysqlUrl"], "mysql://root@10.0.0.5:3306/milvus");
  BOOST_CHECK(!v.count("milvusmm.walDir"));  // wal.enable: false: no WAL to check
  for (const auto& note : c.notes) BOOST_CHECK(note.find("s3cr3t") == std::string::npos);
  BOOST_CHECK_EQUAL(c.notes.size(), 3u);  // moved, password, WAL off
}

BOOST_AUTO_TEST_CASE(not_a_milvus_config) {
  Installation i("dumper:\n  worker:\n    workMode: milvus1x\n");
  BOOST_CHECK(usage_error(i.file()).find("not a Milvus 1.x server_config.yaml") != std::string::npos);
  Installation m("general:\n  meta_uri: mock://:@:/\n");
  BOOST_CHECK(usage_error(m.file()).find("general.meta_uri is neither sqlite:// nor mysql://") != std::string::npos);
  BOOST_CHECK(usage_error("/nonexistent/server_config.yaml").find("cannot read") != std::string::npos);
}

// In a migration.yaml: keys given there win, derived ones carry their origin.
BOOST_AUTO_TEST_CASE(migration_yaml_keys_win) {
  Installation i("db_config:\n  backend_url: sqlite://:@:/\nstorage_config:\n  primary_path: /var/lib/milvus\n");
  const std::string yaml = "dumper:\n  worker:\n    workMode: milvus1x\nsource:\n  mode: local\n  local:\n    tablesDir: /mine/tables\n"
                           "target:\n  mode: local\n  local:\n    outputDir: /out\nmilvusmm:\n  sourceConfig: " + i.file() + "\n";
  auto config = Config::parse(yaml, "migration.yaml");
  BOOST_CHECK_EQUAL(config.get("source.local.tablesDir"), "/mine/tables");
  BOOST_CHECK_EQUAL(config.get("meta.sqliteFile"), i.root.string() + "/db/meta.sqlite");
  bool seen = false;
  for (const auto& line : config.origin_lines())
    if (line.rfind("meta.sqliteFile\t", 0) == 0) seen = line.find("server_config.yaml: storage_config.primary_path") != std::string::npos;
  BOOST_CHECK(seen);
}

BOOST_AUTO_TEST_SUITE_END()
