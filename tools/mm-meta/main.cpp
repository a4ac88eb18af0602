// mm-meta: reads Milvus 1.x metadata and prints collection, partition and segment records.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "../cli/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus1x/meta_readers.hpp"
#include "milvus1x/wal_check.hpp"
#include "records/catalog.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::milvus1x;

namespace {

// A password given on the command line is visible in ps; blank it in our argv at once.
void hide_password_in_argv(int argc, char** argv, const std::string& password) {
  if (password.empty()) return;
  for (int i = 1; i < argc; ++i)
    for (char* at = std::strstr(argv[i], password.c_str()); at; at = std::strstr(at, password.c_str()))
      std::memset(at, 'x', password.size());
  log_warning("a password on the command line is visible to other users; put it in MM_MYSQL_PASSWORD or pass --mysql -");
}

MysqlTarget mysql_target(const std::string& flag, const std::string& charset, int argc, char** argv) {
  std::string dsn = flag;
  if (flag == "-" && !std::getline(std::cin, dsn)) bad_usage("--mysql -: no DSN on stdin");
  MysqlTarget target = parse_mysql_dsn(dsn);
  target.charset = charset;
  if (!target.password.empty() && flag != "-") hide_password_in_argv(argc, argv, target.password);
  if (target.password.empty())
    if (const char* env = std::getenv("MM_MYSQL_PASSWORD")) target.password = env;
  return target;
}

// Inserts and deletes still only in the WAL would be lost, and deleted rows come back, if the segment
// files were migrated as they are: stop (exit 3) unless the user accepts that; then each is a
// warning and an "unflushed" record, which mm-run's report shows.
void check_unflushed(const std::string& dir, const MetaRows& rows, const Catalog& catalog, bool ignore,
                     ManifestWriter& out) {
  WalCheck wal;
  try {
    wal = check_wal(dir, rows, catalog);
  } catch (const Error& e) {
    if (!ignore) throw;
    log_warning(std::string(e.what()) + "; going on without the WAL check (--ignore-unflushed)");
    return;
  }
  // At most kShown in the line: thousands of partitions must not make it unreadable.
  constexpr size_t kShown = 5;
  std::string list;
  for (size_t i = 0; i < wal.unflushed.size() && i < kShown; ++i) list += (i ? "; " : "") + describe(wal.unflushed[i]);
  if (wal.unflushed.size() > kShown) list += "; and " + std::to_string(wal.unflushed.size() - kShown) + " more collections or partitions";
  const std::string why = rows.has_flush_lsn ? "" : " (meta.json carries no flush_lsn, so every record of a live collection counts; --sqlite or --mysql tell flushed records apart)";
  if (wal.unflushed.empty()) {
    log_info("WAL " + dir + ": " + std::to_string(wal.records) + " records in " + std::to_string(wal.files) +
             (wal.files == 1 ? " file" : " files") + ", none unflushed (" + std::to_string(wal.dropped_records) + " of collections or partitions dropped or not selected)");
    return;
  }
  if (!ignore)
    bad_data("WAL " + dir + " holds changes not in the segment files" + why + ": " + list +
             "; start Milvus 1.x, let it flush (or call flush), stop it cleanly and migrate again, or pass --ignore-unflushed to migrate without them");
  log_warning("WAL " + dir + ": migrating without changes not in the segment files (--ignore-unflushed)" + why + ": " + list);
  for (const auto& c : wal.unflushed) out.write_line(records::to_json(c, dir));
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-meta", "Read Milvus 1.x metadata and print collection, partition and segment records (JSON Lines) on stdout.");
  options.add_options("Source (exactly one)")
    ("sqlite", "meta.sqlite of the 1.x installation (its -wal and -shm are read too; the files are not modified)", cxxopts::value<std::string>(), "PATH")
    ("mysql", "MySQL/MariaDB meta: user[:pw]@tcp(host:port)/db or mysql://user[:pw]@host:port/db; '-' reads it from stdin; the password may come from MM_MYSQL_PASSWORD", cxxopts::value<std::string>(), "DSN")
    ("meta-json", "milvus-migration's meta.json", cxxopts::value<std::string>(), "PATH")
    ("mysql-charset", "the connection charset of --mysql: the one Milvus 1.x wrote with, which never set one (its client's default, latin1); a DSN's charset parameter is ignored", cxxopts::value<std::string>()->default_value("latin1"), "NAME");
  options.add_options("Selection and output")
    ("collections", "only these collections (comma-separated); an unknown name is an error", cxxopts::value<std::string>(), "A,B")
    ("export-json", "also write a meta.json that milvus-migration accepts", cxxopts::value<std::string>(), "PATH");
  options.add_options("Write-ahead log")
    ("wal", "the 1.x WAL directory (wal_config.wal_path or wal.path, e.g. /var/lib/milvus/wal): stop with exit status 3 when it holds inserts or deletes of a selected collection that are not in the segment files yet", cxxopts::value<std::string>(), "DIR")
    ("ignore-unflushed", "with --wal: go on without those changes, with a warning and an \"unflushed\" record each");
  cli::add_common_options(options);
  auto result = cli::parse_flags(options, argc, argv);
  if (cli::handle_common_options(options, result, cli::kCommonExitCodes)) return kExitOk;
  if (result.unmatched().size()) bad_usage("unexpected argument \"" + result.unmatched()[0] + "\"");

  int sources = int(result.count("sqlite") + result.count("mysql") + result.count("meta-json"));
  if (sources != 1) bad_usage("give exactly one of --sqlite, --mysql, --meta-json");

  MetaRows rows;
  if (result.count("sqlite")) rows = read_sqlite_meta(result["sqlite"].as<std::string>());
  if (result.count("meta-json")) rows = read_meta_json(result["meta-json"].as<std::string>());
  if (result.count("mysql")) rows = read_mysql_meta(mysql_target(result["mysql"].as<std::string>(), result["mysql-charset"].as<std::string>(), argc, argv));

  std::vector<std::string> only;
  if (result.count("collections")) only = cli::split_list(result["collections"].as<std::string>());
  Catalog catalog = select_catalog(rows, only, [](const std::string& line) { log_debug(line); });
  for (const auto& line : catalog.warnings) log_warning(line);
  if (result.count("ignore-unflushed") && !result.count("wal")) bad_usage("--ignore-unflushed goes with --wal DIR");

  ManifestWriter out;
  if (result.count("wal")) check_unflushed(result["wal"].as<std::string>(), rows, catalog, result.count("ignore-unflushed") > 0, out);
  if (result.count("export-json")) write_meta_json(catalog, result["export-json"].as<std::string>());
  for (const auto& c : catalog.collections) {
    out.write_line(records::to_json(c));
    for (const auto& p : catalog.partitions)
      if (p.collection == c.name) out.write_line(records::to_json(p));
    for (const auto& s : catalog.segments)
      if (s.collection == c.name) out.write_line(records::to_json(s));
  }
  log_info(std::to_string(catalog.collections.size()) + " collections, " + std::to_string(catalog.partitions.size()) +
           " partitions, " + std::to_string(catalog.segments.size()) + " segments");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-meta", [&] { return run(argc, argv); });
}
