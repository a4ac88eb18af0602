// The loop of a tool that works on some kinds of manifest record (in the spirit of PDAL's
// Streamable::processOne): read each record, pass through every other kind, hand the work of each
// record of its kind to the workers, print what the workers return. The tool keeps its flags and
// its work on one record; the reading, the passing through, the threads and the output order live
// here.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "manifest.hpp"

namespace mm {

struct FilterOptions {
  std::vector<std::string> kinds;  // the records the tool works on
  unsigned jobs = 1;    // pieces of work run at once (1 and ordered: on the reading thread)
  bool ordered = true;  // print in input order (else: as each piece of work ends)
};

// A piece of work, run on a worker thread; returns the line to print ("" prints nothing).
using RecordWork = std::function<std::string()>;
using RecordWorks = std::vector<RecordWork>;
using TakeRecord = std::function<RecordWorks(const rapidjson::Document& record, const std::string& line)>;

// Reads `in` to the end. `take(record, line)` runs on the reading thread, inside at_record (a
// bad-data error names the manifest's FILE:LINE), and returns the record's work: usually one
// piece, none, or several (mm-npy: the chunks of the groups the record completes). At the end of
// the input `finish` (when given) returns the last pieces, e.g. the groups still open. A failed
// piece stops the reading; the first failure is rethrown once the running work is done.
void run_filter(ManifestReader& in, ManifestWriter& out, const FilterOptions& options, const TakeRecord& take,
                const std::function<RecordWorks()>& finish = nullptr);

}  // namespace mm
