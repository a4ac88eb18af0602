#define BOOST_TEST_MODULE milvus_mm_unit
#include <boost/test/unit_test.hpp>
