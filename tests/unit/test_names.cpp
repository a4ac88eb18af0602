#include <boost/test/unit_test.hpp>

#include "milvus1x/names.hpp"

using namespace mm::milvus1x;

BOOST_AUTO_TEST_CASE(valid_tags_are_kept) {
  BOOST_TEST(partition_name_for_tag("p2024") == "p2024");
  BOOST_TEST(partition_name_for_tag("_x9") == "_x9");
}

BOOST_AUTO_TEST_CASE(invalid_tags_are_sanitised_with_a_hash) {
  std::string spaced = partition_name_for_tag("my tag");
  BOOST_TEST(spaced.rfind("my_tag_", 0) == 0);
  BOOST_TEST(spaced.size() == std::string("my_tag_").size() + 8);
  BOOST_TEST(is_valid_2x_name(spaced));
  std::string digit = partition_name_for_tag("2024-01");
  BOOST_TEST(digit.rfind("p_2024_01_", 0) == 0);
  BOOST_TEST(is_valid_2x_name(digit));
  BOOST_TEST(is_valid_2x_name(partition_name_for_tag("été")));
  BOOST_TEST(is_valid_2x_name(partition_name_for_tag(std::string(300, '-'))));
}

BOOST_AUTO_TEST_CASE(distinct_tags_get_distinct_names) {
  BOOST_TEST(partition_name_for_tag("a b") != partition_name_for_tag("a-b"));
  BOOST_TEST(partition_name_for_tag("a b") == partition_name_for_tag("a b"));  // deterministic
}

BOOST_AUTO_TEST_CASE(name_rules) {
  BOOST_TEST(!is_valid_2x_name(""));
  BOOST_TEST(!is_valid_2x_name("1abc"));
  BOOST_TEST(!is_valid_2x_name("a-b"));
  BOOST_TEST(!is_valid_2x_name(std::string(256, 'a')));
  BOOST_TEST(is_valid_2x_name(std::string(255, 'a')));
}
