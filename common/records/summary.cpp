#include "records/summary.hpp"

#include <algorithm>
#include <tuple>

#include "records/fields.hpp"
#include "records/record_builder.hpp"

namespace mm::records {

namespace {

// The tool each summary is of: its "tool" field, written and read by the name kept here.
template <typename S>
constexpr const char* kTool = nullptr;
template <>
constexpr const char* kTool<ScanSummary> = "mm-scan";
template <>
constexpr const char* kTool<FetchSummary> = "mm-fetch";
template <>
constexpr const char* kTool<NpySummary> = "mm-npy";
template <>
constexpr const char* kTool<UploadSummary> = "mm-upload";
template <>
constexpr const char* kTool<BulkinsertSummary> = "mm-bulkinsert";
template <>
constexpr const char* kTool<VerifySummary> = "mm-verify";

}  // namespace

std::string to_json(const ScanSummary& s) {
  return Record("summary", kTool<ScanSummary>)
      .count("segments", s.segments)
      .count("rows", s.rows)
      .count("deleted", s.deleted)
      .count("live", s.live)
      .count("errors", s.errors)
      .done();
}

std::string to_json(const FetchSummary& s) {
  return Record("summary", kTool<FetchSummary>)
      .count("segments", s.segments)
      .count("objects", s.objects)
      .count("downloaded", s.downloaded)
      .count("skipped", s.objects - s.downloaded)
      .count("bytes", s.bytes)
      .count("errors", s.errors)
      .done();
}

std::string to_json(const NpySummary& s) {
  return Record("summary", kTool<NpySummary>)
      .count("groups", s.groups)
      .count("reused_groups", s.reused_groups)
      .count("rows", s.rows)
      .array("partitions", s.partitions,
             [](Record& r, const NpyPartition& p) {
               r.text("collection", p.collection).text("partition", p.partition).count("rows", p.rows).count("groups", p.groups);
             })
      .done();
}

std::string to_json(const UploadSummary& s) {
  return Record("summary", kTool<UploadSummary>)
      .count("groups", s.groups)
      .count("objects", s.objects)
      .count("written", s.written)
      .count("skipped", s.objects - s.written)
      .count("bytes", s.bytes)
      .done();
}

std::string to_json(const BulkinsertSummary& s) {
  int64_t leftover = 0;
  for (const auto& p : s.partitions) leftover += p.leftover;
  return Record("summary", kTool<BulkinsertSummary>)
      .text("server", s.server)
      .text("server_version", s.server_version)
      .count("imported_groups", s.imported_groups)
      .count("imported_rows", s.imported_rows)
      .count("resumed_groups", s.resumed_groups)
      .count("resumed_rows", s.resumed_rows)
      .count("resubmitted_groups", s.resubmitted_groups)
      .count("reconciled_groups", s.reconciled_groups)
      .count("reconciled_rows", s.reconciled_rows)
      .count("earlier_groups", s.earlier_groups)
      .count("earlier_rows", s.earlier_rows)
      .integer("leftover_rows", leftover)
      .array("partitions", s.partitions,
             [](Record& r, const BulkinsertPartition& p) {
               r.text("collection", p.collection)
                   .text("partition", p.partition)
                   .integer("baseline", p.baseline)
                   .integer("imported", p.imported)
                   .count("imported_this_run", p.imported_this_run)
                   .integer("rows", p.rows)
                   .integer("leftover", p.leftover)
                   .integer("visible", p.visible)
                   .flag("ok", p.ok);
             })
      .done();
}

std::string to_json(const VerifySummary& s) {
  return Record("summary", kTool<VerifySummary>)
      .flag("ok", s.ok)
      .count("partitions", s.partitions)
      .count("partitions_ok", s.partitions_ok)
      .count("live_1x", s.live_1x)
      .count("sampled", s.sampled)
      .done();
}

std::string to_json(const VerifyPartition& v) {
  Record r("verify");
  r.text("collection", v.collection).text("partition", v.partition).text("tag", v.tag).count("live_1x", v.live_1x).integer("before", v.before);
  if (v.rows_2x < 0)
    r.null("rows_2x");
  else
    r.integer("rows_2x", v.rows_2x);
  return r.flag("ok", v.ok).done();
}

}  // namespace mm::records

// ---- reading and merging ----
namespace mm::records {
namespace {

// The array `field` of a record, each element read by `read_one`.
template <typename T, typename ReadOne>
std::vector<T> read_array(const Fields& f, const char* field, ReadOne read_one) {
  std::vector<T> out;
  const auto* array = f.find(field);
  if (!array) return out;
  if (!array->IsArray()) f.refuse(field, "an array");
  for (const auto& element : array->GetArray()) out.push_back(read_one(Fields(element, f.what() + " " + field + " element")));
  return out;
}

NpySummary read_npy(const Fields& f) {
  NpySummary s;
  s.groups = f.count("groups").value_or(0);
  s.reused_groups = f.count("reused_groups").value_or(0);
  s.rows = f.count("rows").value_or(0);
  s.partitions = read_array<NpyPartition>(f, "partitions", [](const Fields& p) {
    return NpyPartition{p.need_text("collection"), p.need_text("partition"), p.count("rows").value_or(0), p.count("groups").value_or(0)};
  });
  return s;
}

BulkinsertSummary read_bulkinsert(const Fields& f) {
  BulkinsertSummary s;
  s.server = f.text("server").value_or("");
  s.server_version = f.text("server_version").value_or("");
  s.imported_groups = f.count("imported_groups").value_or(0);
  s.imported_rows = f.count("imported_rows").value_or(0);
  s.resumed_groups = f.count("resumed_groups").value_or(0);
  s.resumed_rows = f.count("resumed_rows").value_or(0);
  s.resubmitted_groups = f.count("resubmitted_groups").value_or(0);
  s.reconciled_groups = f.count("reconciled_groups").value_or(0);
  s.reconciled_rows = f.count("reconciled_rows").value_or(0);
  s.earlier_groups = f.count("earlier_groups").value_or(0);
  s.earlier_rows = f.count("earlier_rows").value_or(0);
  s.partitions = read_array<BulkinsertPartition>(f, "partitions", [](const Fields& p) {
    BulkinsertPartition b;
    b.collection = p.need_text("collection");
    b.partition = p.need_text("partition");
    b.baseline = p.integer("baseline").value_or(0);
    b.imported = p.integer("imported").value_or(0);
    b.imported_this_run = p.count("imported_this_run").value_or(0);
    b.rows = p.integer("rows").value_or(0);
    b.leftover = p.integer("leftover").value_or(0);
    b.visible = p.integer("visible").value_or(b.rows - b.leftover);
    b.ok = p.flag("ok").value_or(false);
    return b;
  });
  return s;
}

// Partitions named the same add up; sorted by collection and partition, as mm-npy sorts them.
template <typename P, typename Add>
std::vector<P> merge_partitions(std::vector<P> a, const std::vector<P>& b, Add add) {
  for (const auto& p : b) {
    auto same = std::find_if(a.begin(), a.end(), [&](const P& q) { return q.collection == p.collection && q.partition == p.partition; });
    if (same == a.end())
      a.push_back(p);
    else
      add(*same, p);
  }
  std::sort(a.begin(), a.end(), [](const P& x, const P& y) { return std::tie(x.collection, x.partition) < std::tie(y.collection, y.partition); });
  return a;
}

Summary merge_same(ScanSummary a, const ScanSummary& b) {
  a.segments += b.segments, a.rows += b.rows, a.deleted += b.deleted, a.live += b.live, a.errors += b.errors;
  return a;
}
Summary merge_same(FetchSummary a, const FetchSummary& b) {
  a.segments += b.segments, a.objects += b.objects, a.downloaded += b.downloaded, a.bytes += b.bytes, a.errors += b.errors;
  return a;
}
Summary merge_same(NpySummary a, const NpySummary& b) {
  a.groups += b.groups, a.reused_groups += b.reused_groups, a.rows += b.rows;
  a.partitions = merge_partitions(a.partitions, b.partitions, [](NpyPartition& x, const NpyPartition& y) { x.rows += y.rows, x.groups += y.groups; });
  return a;
}
Summary merge_same(UploadSummary a, const UploadSummary& b) {
  a.groups += b.groups, a.objects += b.objects, a.written += b.written, a.bytes += b.bytes;
  return a;
}
Summary merge_same(BulkinsertSummary a, const BulkinsertSummary& b) {
  if (a.server != b.server) bad_data("two mm-bulkinsert summaries disagree on server (" + a.server + ", " + b.server + ")");
  if (a.server_version != b.server_version)
    bad_data("two mm-bulkinsert summaries disagree on server_version (" + a.server_version + ", " + b.server_version + ")");
  a.imported_groups += b.imported_groups, a.imported_rows += b.imported_rows, a.resumed_groups += b.resumed_groups;
  a.resumed_rows += b.resumed_rows, a.resubmitted_groups += b.resubmitted_groups, a.reconciled_groups += b.reconciled_groups;
  a.reconciled_rows += b.reconciled_rows, a.earlier_groups += b.earlier_groups, a.earlier_rows += b.earlier_rows;
  a.partitions = merge_partitions(a.partitions, b.partitions, [](BulkinsertPartition& x, const BulkinsertPartition& y) {
    x.baseline += y.baseline, x.imported += y.imported, x.imported_this_run += y.imported_this_run;
    x.rows += y.rows, x.leftover += y.leftover, x.visible += y.visible, x.ok = x.ok && y.ok;
  });
  return a;
}
Summary merge_same(VerifySummary a, const VerifySummary& b) {
  a.ok = a.ok && b.ok;
  a.partitions += b.partitions, a.partitions_ok += b.partitions_ok, a.live_1x += b.live_1x, a.sampled += b.sampled;
  return a;
}

}  // namespace

const char* tool_of(const Summary& s) {
  return std::visit([](const auto& x) { return kTool<std::decay_t<decltype(x)>>; }, s);
}

Summary read_summary(const rapidjson::Value& record) {
  const std::string tool = Fields(record, "summary record").need_text("tool");
  const Fields f(record, tool + " summary");
  if (tool == kTool<ScanSummary>)
    return ScanSummary{f.count("segments").value_or(0), f.count("rows").value_or(0), f.count("deleted").value_or(0),
                       f.count("live").value_or(0), f.count("errors").value_or(0)};
  if (tool == kTool<FetchSummary>)
    return FetchSummary{f.count("segments").value_or(0), f.count("objects").value_or(0), f.count("downloaded").value_or(0),
                        f.count("bytes").value_or(0), f.count("errors").value_or(0)};
  if (tool == kTool<NpySummary>) return read_npy(f);
  if (tool == kTool<UploadSummary>)
    return UploadSummary{f.count("groups").value_or(0), f.count("objects").value_or(0), f.count("written").value_or(0),
                         f.count("bytes").value_or(0)};
  if (tool == kTool<BulkinsertSummary>) return read_bulkinsert(f);
  if (tool == kTool<VerifySummary>)
    return VerifySummary{f.flag("ok").value_or(false), f.count("partitions").value_or(0), f.count("partitions_ok").value_or(0),
                         f.count("live_1x").value_or(0), f.count("sampled").value_or(0)};
  bad_data("summary record: unknown tool \"" + tool + "\"");
}

Summary merge(const Summary& a, const Summary& b) {
  if (a.index() != b.index()) bad_data(std::string("cannot merge a ") + tool_of(a) + " summary with a " + tool_of(b) + " summary");
  return std::visit([&](const auto& x) { return merge_same(x, std::get<std::decay_t<decltype(x)>>(b)); }, a);
}

std::string to_json(const Summary& s) {
  return std::visit([](const auto& x) { return to_json(x); }, s);
}

VerifyPartition read_verify(const rapidjson::Value& record) {
  const Fields f(record, "verify record");
  VerifyPartition v;
  v.collection = f.need_text("collection");
  v.partition = f.need_text("partition");
  v.tag = f.text("tag").value_or("");
  v.live_1x = f.count("live_1x").value_or(0);
  v.before = f.integer("before").value_or(0);
  v.rows_2x = f.integer("rows_2x").value_or(-1);
  v.ok = f.flag("ok").value_or(false);
  return v;
}

}  // namespace mm::records
