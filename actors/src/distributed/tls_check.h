// Internal: checks a node's TLS files before CAF's OpenSSL module uses them.
//
// CAF loads the certificate, key and CA file anew for every connection, on
// its network thread, and raises when one fails to load: a typo in a path
// would end the process at its first connection, and an encrypted key would
// make OpenSSL ask for a passphrase on the terminal. This check runs once at
// start, with OpenSSL itself, so that those mistakes are errors that name the
// file and the fix instead.
#pragma once

#include <string>

#include "shoal/tls.h"

namespace shoal::actors {

/// Throws shoal::Error, prefixed by `who` ("shoal worker"), unless all three
/// files are set, readable, PEM, the key is not encrypted and belongs to the
/// certificate, and the certificate verifies against the CA file.
void check_tls_files(const TlsOptions& tls, const std::string& who);

/// Makes every TLS context of this process (CAF's included) treat a peer
/// that closes without close_notify as a clean close (OpenSSL 3's
/// IgnoreUnexpectedEOF, through the ssl_conf system default), so that such
/// a close queues no error that CAF would later misread for another
/// connection. Idempotent; call before CAF creates its first session.
void quiet_unexpected_eof();

}  // namespace shoal::actors
