// mm::parse_json, the one entry point for outside JSON (manifests, journal, meta.json, REST and
// IMDS replies, log lines): no recursion, nesting beyond kMaxJsonDepth refused. What it accepts
// must write back (to_json) and parse again; the field accessors must answer
// or refuse with mm::Error on any value.
#include "fuzz_common.hpp"
#include "manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  rapidjson::Document doc;
  if (!mm::parse_json(doc, reinterpret_cast<const char*>(data), size)) return 0;
  const std::string once = mm::to_json(doc);
  rapidjson::Document again;
  mm::fuzz::require(mm::parse_json(again, once), "to_json of an accepted document parses again");
  // Not required: to_json(again) == once. Numbers beyond 64 bits become doubles, which RapidJSON
  // parses without kParseFullPrecisionFlag, so they may drift in the last digit on each round.
  mm::fuzz::expect_refusal_only([&] { (void)mm::kind_of(doc); });
  for (const char* field : {"kind", "collection", "rows", "live", "segment_id"}) {
    mm::fuzz::expect_refusal_only([&] { (void)mm::get_string(doc, field); });
    mm::fuzz::expect_refusal_only([&] { (void)mm::get_string_or(doc, field, "x"); });
    mm::fuzz::expect_refusal_only([&] { (void)mm::get_int(doc, field); });
    mm::fuzz::expect_refusal_only([&] { (void)mm::get_uint(doc, field); });
  }
  return 0;
}
