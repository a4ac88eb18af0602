#include "records/summary.hpp"

#include "records/record_builder.hpp"

namespace mm::records {

std::string to_json(const ScanSummary& s) {
  return Record("summary", "mm-scan")
      .count("segments", s.segments)
      .count("rows", s.rows)
      .count("deleted", s.deleted)
      .count("live", s.live)
      .count("errors", s.errors)
      .done();
}

std::string to_json(const FetchSummary& s) {
  return Record("summary", "mm-fetch")
      .count("segments", s.segments)
      .count("objects", s.objects)
      .count("downloaded", s.downloaded)
      .count("skipped", s.objects - s.downloaded)
      .count("bytes", s.bytes)
      .count("errors", s.errors)
      .done();
}

std::string to_json(const NpySummary& s) {
  return Record("summary", "mm-npy")
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
  return Record("summary", "mm-upload")
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
  return Record("summary", "mm-bulkinsert")
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
  return Record("summary", "mm-verify")
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
