// The loop of a tool that works on one kind of manifest record (in the spirit of PDAL's
// Streamable::processOne): read each record, pass through every other kind, hand each record of
// its kind to a worker, print what the workers return. The tool keeps its flags and its work on
// one record; the reading, the passing through, the threads and the output order live here.
#pragma once
#include <functional>
#include <string>

#include <rapidjson/document.h>

#include "manifest.hpp"

namespace mm {

struct FilterOptions {
  std::string kind;     // the records the tool works on
  unsigned jobs = 1;    // records worked on at once (1 and ordered: on the reading thread)
  bool ordered = true;  // print in input order (else: records of `kind` as their work ends)
};

// What to do with one record, on a worker thread; returns the line to print ("" prints nothing).
using RecordWork = std::function<std::string()>;

// Reads `in` to the end. `take(record, line)` runs on the reading thread, inside
// at_record (a bad-data error names the manifest's FILE:LINE), and returns the record's work. A
// failed work stops the reading; the first failure is rethrown once the running work is done.
void run_filter(ManifestReader& in, ManifestWriter& out, const FilterOptions& options,
                const std::function<RecordWork(const rapidjson::Document& record, const std::string& line)>& take);

}  // namespace mm
