#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "errors.hpp"
#include "storage/credentials.hpp"

using namespace mm::storage;

namespace {
const char* kFile =
    "# comment\n"
    "[default]\n"
    "aws_access_key_id = AKIDDEFAULT\n"
    "aws_secret_access_key=secret/with+chars=\n"
    "\n"
    "; another comment\n"
    "[profile other]\n"
    "  aws_access_key_id   =  AKIDOTHER  \r\n"
    "aws_secret_access_key = s2\n"
    "aws_session_token = tok\n"
    "region = eu-west-1\n"
    "[partial]\n"
    "aws_access_key_id = ONLY\n";
}

BOOST_AUTO_TEST_CASE(default_profile) {
  auto c = parse_credentials_file(kFile, "default");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->access_key == "AKIDDEFAULT");
  BOOST_TEST(c->secret_key == "secret/with+chars=");
  BOOST_TEST(c->session_token.empty());
}

BOOST_AUTO_TEST_CASE(named_profile_with_token_and_spaces) {
  auto c = parse_credentials_file(kFile, "other");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->access_key == "AKIDOTHER");
  BOOST_TEST(c->secret_key == "s2");
  BOOST_TEST(c->session_token == "tok");
}

BOOST_AUTO_TEST_CASE(missing_and_partial_profiles) {
  BOOST_TEST(!parse_credentials_file(kFile, "nope"));
  auto partial = parse_credentials_file(kFile, "partial");
  BOOST_REQUIRE(partial);
  BOOST_TEST(!partial->complete());
}

BOOST_AUTO_TEST_CASE(chain_order_and_errors) {
  std::string path = "/tmp/mm-unit-credentials-" + std::to_string(::getpid());
  std::ofstream(path) << kFile;
  std::string source;
  CredentialSources s;
  s.env = Credentials{"ENVKEY", "ENVSECRET", ""};
  s.file = path;
  BOOST_TEST(resolve_credentials(s, source).access_key == "ENVKEY");
  BOOST_TEST(source == "environment");
  s.env.reset();
  BOOST_TEST(resolve_credentials(s, source).access_key == "AKIDDEFAULT");
  BOOST_TEST(source.find("secret") == std::string::npos);
  s.profile = "partial";
  BOOST_CHECK_THROW(resolve_credentials(s, source), mm::Error);
  s.profile = "absent";
  BOOST_CHECK_THROW(resolve_credentials(s, source), mm::Error);  // nothing else to try
  s.file = path + ".missing";
  s.file_required = true;
  BOOST_CHECK_THROW(resolve_credentials(s, source), mm::Error);
  std::remove(path.c_str());
}
