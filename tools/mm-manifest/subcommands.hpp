// mm-manifest's subcommands, one file each; each gets argv from its own name on.
#pragma once

namespace mm::manifest_cmd {

int merge(int argc, char** argv);   // merge.cpp
int select(int argc, char** argv);  // select.cpp
int report(int argc, char** argv);  // report.cpp
int table(int argc, char** argv);   // table.cpp
int totals(int argc, char** argv);  // totals.cpp

}  // namespace mm::manifest_cmd
