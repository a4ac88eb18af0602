#include <rapidjson/document.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <sstream>
#include <thread>
#include <vector>

#include "log.hpp"
#include "log_line.hpp"

using namespace mm;
using std::chrono::milliseconds;
using std::chrono::system_clock;

namespace {

// Sends fd 2 to a temporary file for the test's lifetime: the real write path, read back.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(dup(STDERR_FILENO)) {
    std::fflush(stderr);
    dup2(fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    std::fclose(file_);
  }
  std::vector<std::string> lines() {
    std::fflush(stderr);
    std::string text;
    char buf[4096];
    std::rewind(file_);
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) text.append(buf, n);
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  FILE* file_;
  int saved_;
};

// Restores the process-wide log settings a test changes.
struct JsonLogging {
  JsonLogging() {
    set_tool_name("mm-test");
    set_log_format(LogFormat::Json);
    set_verbosity(1);
  }
  ~JsonLogging() {
    set_log_format(LogFormat::Text);
    set_verbosity(1);
  }
};

rapidjson::Document parsed(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError(), "not JSON: " << line);
  BOOST_TEST_REQUIRE(d.IsObject());
  return d;
}

const system_clock::time_point kWhen{milliseconds(1764043715123)};

}  // namespace

BOOST_AUTO_TEST_CASE(timestamp_is_utc_iso8601_with_milliseconds) {
  BOOST_TEST(utc_timestamp(kWhen) == "2025-11-25T04:08:35.123Z");
  BOOST_TEST(utc_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(message_line_escapes_everything) {
  const std::string message = std::string("a \"quoted\" back\\slash\nnew line\ttab \x01 nul ") + '\0' + " € 😀";
  const std::string line = json_message_line("mm-npy", "error", message, kWhen);
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.find('\t') == std::string::npos);
  BOOST_TEST(line.find("\\\"quoted\\\"") != std::string::npos);
  BOOST_TEST(line.find("\\u0001") != std::string::npos);
  auto d = parsed(line);
  BOOST_TEST(d["time"].GetString() == "2025-11-25T04:08:35.123Z");
  BOOST_TEST(d["tool"].GetString() == "mm-npy");
  BOOST_TEST(d["level"].GetString() == "error");
  BOOST_TEST(std::string(d["message"].GetString(), d["message"].GetStringLength()) == message);
  BOOST_TEST(d.MemberCount() == 4u);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_replacement_characters) {
  const std::string r = "\xEF\xBF\xBD";
  BOOST_TEST(valid_utf8("ok € 😀") == "ok € 😀");
  BOOST_TEST(valid_utf8("\xC0\xAF") == r + r);          // overlong '/'
  BOOST_TEST(valid_utf8("\xED\xA0\x80") == r + r + r);  // a surrogate
  BOOST_TEST(valid_utf8("\xF4\x90\x80\x80") == r + r + r + r);  // above U+10FFFF
  BOOST_TEST(valid_utf8("a\xE2\x82") == "a" + r + r);   // cut short
  BOOST_TEST(valid_utf8("\xFF/x") == r + "/x");
  auto d = parsed(json_message_line("mm-scan", "warning", "/data/\xFF\xFE.rv", kWhen));
  BOOST_TEST(d["message"].GetString() == "/data/" + r + r + ".rv");
}

BOOST_AUTO_TEST_CASE(progress_line_round_trips) {
  ProgressEvent e{"mm-upload", "uploaded", 3, 4096, 1000, 10, 1 << 20, 2.5, true};
  const std::string line = json_progress_line(e, kWhen);
  auto d = parsed(line);
  BOOST_TEST(d["level"].GetString() == "progress");
  BOOST_TEST(d["stage"].GetString() == "uploaded");
  BOOST_TEST(d["rows"].GetUint64() == 1000u);
  BOOST_TEST(d["total_bytes"].GetUint64() == uint64_t(1 << 20));
  BOOST_TEST(d["seconds"].GetDouble() == 2.5);
  auto back = parse_log_line(line);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->progress.tool == "mm-upload");
  BOOST_TEST(back->progress.items == 3u);
  BOOST_TEST(back->progress.bytes == 4096u);
  BOOST_TEST(back->progress.total_items == 10u);
  BOOST_TEST(back->progress.final);
  BOOST_TEST(!d.HasMember("detail"));  // only when there is one
  e.detail = "2 imports on Milvus 2.6.3: importing 55%, pending 5%";
  back = parse_log_line(json_progress_line(e, kWhen));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST(back->progress.detail == e.detail);
}

BOOST_AUTO_TEST_CASE(other_lines_are_not_log_lines) {
  for (const char* line : {"mm-npy: error: text", "", "[1,2]", "{\"kind\":\"group\"}", "{\"tool\":\"x\",\"level\":\"info\"}",
                           "{\"tool\":\"x\",\"level\":\"progress\"}", "{\"tool\":\"x\",\"level\":\"info\",\"message\":\"a\"} tail"})
    BOOST_TEST(!parse_log_line(line).has_value(), line);
  auto m = parse_log_line("{\"tool\":\"mm-run\",\"level\":\"info\",\"message\":\"hi\"}");
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST(m->message == "hi");
}

BOOST_AUTO_TEST_CASE(json_format_writes_only_json_lines) {
  JsonLogging json;
  StderrCapture capture;
  log_error("disk \"full\"\nreally");
  log_warning("careful");
  log_info("hello");
  log_debug("hidden at verbosity 1");
  auto lines = capture.lines();
  BOOST_TEST_REQUIRE(lines.size() == 3u);
  BOOST_TEST(parsed(lines[0])["message"].GetString() == "disk \"full\"\nreally");
  BOOST_TEST(parsed(lines[0])["level"].GetString() == "error");
  BOOST_TEST(parsed(lines[1])["level"].GetString() == "warning");
  BOOST_TEST(parsed(lines[2])["level"].GetString() == "info");
  BOOST_TEST(parsed(lines[2])["tool"].GetString() == "mm-test");
}

BOOST_AUTO_TEST_CASE(progress_events_at_most_once_a_second_and_once_at_finish) {
  JsonLogging json;
  StderrCapture capture;
  Progress progress("converted", 4, 4000);
  progress.add(1, 1000, 10);
  progress.add(1, 1000, 10);  // within the first second: no event
  BOOST_TEST(capture.lines().empty());
  std::this_thread::sleep_for(milliseconds(1050));
  progress.add(1, 1000, 10);
  progress.add(0, 500);  // just after an event: none
  progress.finish();
  progress.finish();  // once only
  auto lines = capture.lines();
  BOOST_TEST_REQUIRE(lines.size() == 2u);
  auto first = parsed(lines[0]), last = parsed(lines[1]);
  BOOST_TEST(first["final"].GetBool() == false);
  BOOST_TEST(first["items"].GetUint64() == 3u);
  BOOST_TEST(first["rows"].GetUint64() == 30u);
  BOOST_TEST(first["seconds"].GetDouble() >= 1.0);
  BOOST_TEST(last["final"].GetBool() == true);
  BOOST_TEST(last["bytes"].GetUint64() == 3500u);
  BOOST_TEST(last["total_items"].GetUint64() == 4u);
  BOOST_TEST(last["total_bytes"].GetUint64() == 4000u);
  BOOST_TEST(last["stage"].GetString() == "converted");
}

BOOST_AUTO_TEST_CASE(quiet_json_writes_errors_only) {
  JsonLogging json;
  set_verbosity(0);
  StderrCapture capture;
  log_info("not shown");
  Progress progress("converted", 0, 0);
  progress.add(1, 1, 1);
  progress.finish();
  log_error("shown");
  auto lines = capture.lines();
  BOOST_TEST_REQUIRE(lines.size() == 1u);
  BOOST_TEST(parsed(lines[0])["message"].GetString() == "shown");
}
