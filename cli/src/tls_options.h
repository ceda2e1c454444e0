// --tls-ca, --tls-cert, --tls-key: shared by every command that connects to
// a cluster or serves one (scheduler, worker, run, status, ssh).
#pragma once

#include "shoal/tls.h"

namespace CLI {
class App;
}

namespace shoal::cli {

/// Adds the three options to `cmd`; the values land in `tls`. The files are
/// checked when the node starts (shoal/tls.h), where the error names them.
void add_tls_options(CLI::App& cmd, TlsOptions& tls);

}  // namespace shoal::cli
