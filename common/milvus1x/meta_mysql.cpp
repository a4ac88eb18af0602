#include <mysql.h>

#include <algorithm>
#include <memory>

#include "errors.hpp"
#include "milvus1x/meta_readers.hpp"
#include "milvus1x/names.hpp"

namespace mm::milvus1x {
namespace {

void split_host_port(const std::string& address, MysqlTarget& t, const std::string& dsn_kind) {
  if (address.empty()) return;
  auto colon = address.rfind(':');
  if (colon == std::string::npos || address.back() == ']') {
    t.host = address;
    return;
  }
  t.host = address.substr(0, colon);
  try {
    size_t used = 0;
    unsigned long port = std::stoul(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1 || port == 0 || port > 65535) throw std::out_of_range("port");
    t.port = unsigned(port);
  } catch (const std::exception&) {
    bad_usage(dsn_kind + ": invalid port in \"" + address + "\"");
  }
}

void split_user(const std::string& userinfo, MysqlTarget& t) {
  auto colon = userinfo.find(':');
  t.user = userinfo.substr(0, colon);
  if (colon != std::string::npos) t.password = userinfo.substr(colon + 1);
}

// Milvus's own form: mysql://user:pw@host:port/db
MysqlTarget parse_uri(const std::string& dsn) {
  MysqlTarget t;
  std::string rest = dsn.substr(8);
  auto slash = rest.rfind('/');
  if (slash == std::string::npos) bad_usage("MySQL URI: no database name (expected mysql://user:pw@host:port/db)");
  t.database = rest.substr(slash + 1);
  rest.resize(slash);
  auto at = rest.rfind('@');
  if (at != std::string::npos) {
    split_user(rest.substr(0, at), t);
    rest = rest.substr(at + 1);
  }
  split_host_port(rest, t, "MySQL URI");
  return t;
}

// The Go driver's form: user:pw@net(address)/db?params, the form milvus-migration users have.
MysqlTarget parse_go_dsn(const std::string& dsn) {
  MysqlTarget t;
  auto slash = dsn.rfind('/');
  if (slash == std::string::npos) bad_usage("MySQL DSN: no database name (expected user:pw@tcp(host:port)/db)");
  std::string db = dsn.substr(slash + 1);
  t.database = db.substr(0, db.find('?'));
  std::string head = dsn.substr(0, slash);
  auto at = head.rfind('@');
  if (at != std::string::npos) {
    split_user(head.substr(0, at), t);
    head = head.substr(at + 1);
  }
  if (head.empty()) return t;
  auto open = head.find('(');
  if (open == std::string::npos || head.back() != ')')
    bad_usage("MySQL DSN: expected tcp(host:port) or unix(/path) after '@'");
  std::string net = head.substr(0, open), address = head.substr(open + 1, head.size() - open - 2);
  if (net == "unix") {
    t.socket = address;
    t.host = "localhost";
  } else if (net == "tcp") {
    split_host_port(address, t, "MySQL DSN");
  } else {
    bad_usage("MySQL DSN: unsupported network \"" + net + "\" (expected tcp or unix)");
  }
  return t;
}

using Result = std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)>;

std::string cell(MYSQL_ROW row, unsigned long* lengths, int i) {
  return row[i] ? std::string(row[i], lengths[i]) : std::string();
}
// An integer cell: exactly a decimal int64 (the server sends every value as text), never cut and
// never read from text that is not one. NULL reads as 0 where `null_is_zero`, else is refused.
int64_t cell_int(MYSQL_ROW row, unsigned long* lengths, MYSQL_FIELD* fields, int i, const std::string& where,
                 bool null_is_zero = false) {
  const std::string column = fields[i].name;
  if (!row[i]) {
    if (null_is_zero) return 0;
    bad_data(where + ": " + column + " is NULL, not an integer");
  }
  const std::string value(row[i], lengths[i]);
  size_t digits = value.size() > 0 && value[0] == '-' ? 1 : 0;
  bool ok = digits < value.size() && value.size() - digits <= 19;
  for (size_t k = digits; ok && k < value.size(); ++k) ok = value[k] >= '0' && value[k] <= '9';
  int64_t number = 0;
  if (ok) {
    try {
      number = std::stoll(value);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok) bad_data(where + ": " + column + " is " + quoted(value) + ", not a 64-bit integer");
  return number;
}

}  // namespace

std::string MysqlTarget::display() const {
  std::string where = socket.empty() ? host + ":" + std::to_string(port) : "unix(" + socket + ")";
  return "mysql://" + user + "@" + where + "/" + database;
}

MysqlTarget parse_mysql_dsn(const std::string& dsn) {
  MysqlTarget t = dsn.rfind("mysql://", 0) == 0 ? parse_uri(dsn) : parse_go_dsn(dsn);
  if (t.database.empty()) bad_usage("MySQL DSN: no database name");
  return t;
}

MetaRows read_mysql_meta(const MysqlTarget& target) {
  std::unique_ptr<MYSQL, decltype(&mysql_close)> db(mysql_init(nullptr), &mysql_close);
  if (!db) fail("MySQL: out of memory");
  unsigned timeout = 10;
  mysql_options(db.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(db.get(), MYSQL_OPT_READ_TIMEOUT, &timeout);
  mysql_options(db.get(), MYSQL_SET_CHARSET_NAME, target.charset.c_str());
  if (!mysql_real_connect(db.get(), target.host.c_str(), target.user.c_str(), target.password.c_str(),
                          target.database.c_str(), target.port, target.socket.empty() ? nullptr : target.socket.c_str(), 0))
    fail(target.display() + ": cannot connect: " + mysql_error(db.get()));

  auto query = [&](const char* sql, auto&& each) {
    if (mysql_query(db.get(), sql) != 0) {
      unsigned code = mysql_errno(db.get());
      std::string message = target.display() + ": " + mysql_error(db.get());
      if (code == 1146 && mysql_query(db.get(), "SELECT 1 FROM CollectionCommit LIMIT 0") == 0) {
        mysql_free_result(mysql_store_result(db.get()));
        bad_data(target.display() + ": " + kSnapshotMeta);
      }
      if (code == 1146 || code == 1054) bad_data(message + " (not a Milvus 1.x meta database?)");
      fail(message);
    }
    Result result(mysql_store_result(db.get()), &mysql_free_result);
    if (!result) fail(target.display() + ": " + mysql_error(db.get()));
    MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
    while (MYSQL_ROW row = mysql_fetch_row(result.get())) each(row, mysql_fetch_lengths(result.get()), fields);
  };
  const std::string source = target.display();
  // "mysql://...: Tables row id=3 (films_l2)"
  auto where = [&](const char* table, MYSQL_ROW r, unsigned long* len, const std::string& table_id) {
    return source + ": " + table + " row id=" + cell(r, len, 0) + (table_id.empty() ? "" : " (" + shown_name(table_id) + ")");
  };

  MetaRows rows;
  rows.source = source;
  query(
      "SELECT id, table_id, state, dimension, created_on, flag, index_file_size, engine_type, index_params, "
      "metric_type, owner_table, partition_tag, version, flush_lsn FROM Tables ORDER BY id",
      [&](MYSQL_ROW r, unsigned long* len, MYSQL_FIELD* fields) {
        TableRow t;
        t.table_id = cell(r, len, 1);
        const std::string at = where("Tables", r, len, t.table_id);
        t.origin = at.substr(source.size() + 2);
        t.state = cell_int(r, len, fields, 2, at);
        t.dimension = cell_int(r, len, fields, 3, at);
        t.created_on = cell_int(r, len, fields, 4, at, true);
        t.flag = cell_int(r, len, fields, 5, at, true);
        t.index_file_size = cell_int(r, len, fields, 6, at, true);
        t.engine_type = cell_int(r, len, fields, 7, at);
        t.index_params = cell(r, len, 8);
        t.metric_type = cell_int(r, len, fields, 9, at);
        t.owner_table = cell(r, len, 10);
        t.partition_tag = cell(r, len, 11);
        t.version = cell(r, len, 12);
        t.flush_lsn = cell_int(r, len, fields, 13, at, true);
        rows.tables.push_back(std::move(t));
      });
  query(
      "SELECT id, table_id, segment_id, file_id, file_type, row_count, file_size, created_on FROM TableFiles "
      "WHERE file_type IN (1, 2, 3, 7) ORDER BY id",
      [&](MYSQL_ROW r, unsigned long* len, MYSQL_FIELD* fields) {
        FileRow f;
        f.table_id = cell(r, len, 1);
        const std::string at = where("TableFiles", r, len, "");
        f.origin = at.substr(source.size() + 2);
        f.segment_id = cell(r, len, 2);
        f.file_id = cell(r, len, 3);
        f.file_type = cell_int(r, len, fields, 4, at);
        f.row_count = std::max<int64_t>(-1, cell_int(r, len, fields, 5, at, true));  // negative: unknown
        f.created_on = cell_int(r, len, fields, 7, at, true);
        f.file_size = cell_int(r, len, fields, 6, at, true);
        rows.files.push_back(std::move(f));
      });
  return rows;
}

}  // namespace mm::milvus1x
