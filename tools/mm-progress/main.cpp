// mm-progress: shows the tools' JSON stderr lines (--log-format json) to people: on a terminal a live
// block with one bar per stage under the messages, otherwise plain lines every few seconds. Any
// other line passes through unchanged, so a crash's last words are never lost.
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <vector>

#include "../cli/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "progress_view.hpp"
#include "tool_main.hpp"

using namespace mm;
using Clock = std::chrono::steady_clock;

namespace {

const char* kExitCodes =
    "  0  end of input\n"
    "  1  failure: reading the input or the --totals file\n"
    "  2  usage: bad flags\n"
    "  3  the --totals file is not a JSON object of whole numbers\n";

// Errors are ignored: a lost terminal must not stop the tools that write into our input.
void write_stderr(const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += size_t(n);
  }
}

size_t terminal_columns() {
  winsize ws{};
  return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
}

struct Stage {
  ProgressEvent last;
  bool shown = false;
  Clock::time_point shown_at;
};

class Display {
 public:
  Display(bool bars, Totals totals, Clock::duration interval, bool quiet)
      : bars_(bars), quiet_(quiet), totals_(totals), interval_(interval), last_draw_(Clock::now()) {}

  // A line of text: above the bars, or simply written.
  void message(const std::string& text) {
    if (!bars_) return write_stderr(text + "\n");
    write_stderr(erase() + text + "\n" + block());
  }

  void progress(const ProgressEvent& e) {
    if (quiet_) return;
    Stage* stage = nullptr;
    for (auto& s : stages_)
      if (s.last.stage == e.stage) stage = &s;
    if (!stage) stage = &stages_.emplace_back(Stage{e, false, last_draw_});
    stage->last = e;
    stage->shown = false;
    if (!bars_ && e.final) show_line(*stage);
  }

  // Draws what is due: the bars at most every 200 ms, a stage's line every interval.
  void tick(Clock::time_point now, bool at_end = false) {
    if (bars_) {
      bool dirty = false;
      for (const auto& s : stages_) dirty = dirty || !s.shown;
      if (dirty && (at_end || now - last_draw_ >= std::chrono::milliseconds(200))) write_stderr(erase() + block());
      return;
    }
    for (auto& s : stages_)
      if (!s.shown && (at_end || now - s.shown_at >= interval_)) show_line(s);
  }

 private:
  void show_line(Stage& s) {
    write_stderr(plain_line(s.last, totals_) + "\n");
    s.shown = true;
    s.shown_at = Clock::now();
  }

  // Back to the first line of the block on screen, cleared to the end of the screen.
  std::string erase() const { return drawn_ ? "\r\033[" + std::to_string(drawn_) + "A\033[J" : ""; }

  std::string block() {
    size_t name_width = 0, columns = terminal_columns();
    for (const auto& s : stages_) name_width = std::max(name_width, s.last.stage.size());
    std::string out;
    for (auto& s : stages_) {
      std::string line = bar_line(s.last, totals_, name_width);
      if (line.size() >= columns) line.resize(columns - 1);  // a wrapped line would break erase()
      out += line + "\n";
      s.shown = true;
    }
    drawn_ = stages_.size();
    last_draw_ = Clock::now();
    return out;
  }

  bool bars_, quiet_;
  Totals totals_;
  Clock::duration interval_;
  Clock::time_point last_draw_;
  std::vector<Stage> stages_;
  size_t drawn_ = 0;  // lines of the block now on screen
};

void handle(Display& display, const std::string& line) {
  auto parsed = parse_log_line(line);
  if (!parsed) display.message(line);
  else if (parsed->level == "progress") display.progress(parsed->progress);
  else display.message(text_line(*parsed));
}

Totals read_totals(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_errno(path, "cannot open the totals", errno);
  std::stringstream text;
  text << in.rdbuf();
  return parse_totals(text.str(), path);
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-progress", "Show the stderr lines the milvus-mm tools write with --log-format json (read on stdin): on a terminal a live bar per stage with the messages above, otherwise plain progress lines every --interval seconds and the messages as text. Lines that are not such JSON pass through unchanged.");
  options.add_options("Display")
    ("totals", "the expected totals, JSON {\"rows\":N,\"bytes\":N,\"groups\":N} (mm-run writes it from its plan)", cxxopts::value<std::string>(), "FILE")
    ("mode", "bars (a live block, needs a terminal), lines (plain lines), or auto: bars when stderr is a terminal", cxxopts::value<std::string>()->default_value("auto"), "MODE")
    ("interval", "lines: seconds between a stage's progress lines", cxxopts::value<double>()->default_value("5"), "S");
  cli::add_common_options(options);
  auto result = cli::parse_flags(options, argc, argv);
  if (cli::handle_common_options(options, result, kExitCodes)) return kExitOk;
  if (!result.unmatched().empty()) bad_usage("unexpected argument \"" + result.unmatched()[0] + "\" (input is stdin)");
  const std::string mode = result["mode"].as<std::string>();
  if (mode != "auto" && mode != "bars" && mode != "lines") bad_usage("--mode: auto, bars or lines, not \"" + mode + "\"");
  const double interval = result["interval"].as<double>();
  if (!(interval > 0)) bad_usage("--interval: more than 0 seconds");
  const Totals totals = result.count("totals") ? read_totals(result["totals"].as<std::string>()) : Totals{};

  std::signal(SIGPIPE, SIG_IGN);
  const bool bars = mode == "bars" || (mode == "auto" && isatty(STDERR_FILENO) == 1);
  Display display(bars, totals, std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval)),
                  result.count("quiet") > 0);
  std::string pending;
  std::vector<char> buffer(1 << 16);
  for (;;) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    int ready = poll(&input, 1, 200);  // wakes to draw what became due without new input
    if (ready < 0 && errno != EINTR) fail_errno("standard input", "poll", errno);
    if (ready > 0) {
      ssize_t n = read(STDIN_FILENO, buffer.data(), buffer.size());
      if (n < 0 && errno != EINTR && errno != EAGAIN) fail_errno("standard input", "read", errno);
      if (n == 0) break;
      if (n > 0) pending.append(buffer.data(), size_t(n));
      size_t start = 0;
      for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
        handle(display, pending.substr(start, nl - start));
      pending.erase(0, start);
    }
    display.tick(Clock::now());
  }
  if (!pending.empty()) handle(display, pending);
  display.tick(Clock::now(), true);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-progress", [&] { return run(argc, argv); });
}
