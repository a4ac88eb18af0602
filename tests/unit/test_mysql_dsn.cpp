#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "milvus1x/meta_readers.hpp"

using namespace mm::milvus1x;

BOOST_AUTO_TEST_CASE(go_dsn) {
  auto t = parse_mysql_dsn("root:p@ss:w0rd@tcp(10.0.0.5:3307)/milvus?charset=utf8mb4&parseTime=True&loc=Local");
  BOOST_TEST(t.user == "root");
  BOOST_TEST(t.password == "p@ss:w0rd");
  BOOST_TEST(t.host == "10.0.0.5");
  BOOST_TEST(t.port == 3307u);
  BOOST_TEST(t.database == "milvus");
  BOOST_TEST(t.display().find("w0rd") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(go_dsn_without_password_or_address) {
  auto t = parse_mysql_dsn("milvus@/meta");
  BOOST_TEST(t.user == "milvus");
  BOOST_TEST(t.password.empty());
  BOOST_TEST(t.host == "127.0.0.1");
  BOOST_TEST(t.port == 3306u);
  auto u = parse_mysql_dsn("u:x@unix(/run/mysqld.sock)/db");
  BOOST_TEST(u.socket == "/run/mysqld.sock");
}

BOOST_AUTO_TEST_CASE(milvus_uri) {
  auto t = parse_mysql_dsn("mysql://root:123456@127.0.0.1:3306/milvus");
  BOOST_TEST(t.user == "root");
  BOOST_TEST(t.password == "123456");
  BOOST_TEST(t.port == 3306u);
  BOOST_TEST(t.database == "milvus");
}

BOOST_AUTO_TEST_CASE(bad_dsns_are_usage_errors) {
  BOOST_CHECK_THROW(parse_mysql_dsn("root@tcp(host:99999)/db"), mm::Error);
  BOOST_CHECK_THROW(parse_mysql_dsn("root@tcp(host:3306)"), mm::Error);
  BOOST_CHECK_THROW(parse_mysql_dsn("root@udp(host:3306)/db"), mm::Error);
}
