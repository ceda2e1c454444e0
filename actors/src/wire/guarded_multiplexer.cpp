#include "wire/guarded_multiplexer.h"

#include <openssl/err.h>

#include <caf/io/network/scribe_impl.hpp>

namespace shoal::actors {
namespace {

class CappedScribe : public caf::io::network::scribe_impl {
 public:
  using scribe_impl::scribe_impl;

  void configure_read(caf::io::receive_policy::config config) override {
    if (config.second > kMaxMessageBytes) {
      // A claim no Shoal peer makes: read one byte as "the payload"; BASP
      // finds it short of the claim and drops the connection.
      config = caf::io::receive_policy::exactly(1);
    }
    scribe_impl::configure_read(config);
  }
};

}  // namespace

caf::io::scribe_ptr GuardedMultiplexer::new_scribe(caf::io::network::native_socket fd) {
  return caf::make_counted<CappedScribe>(*this, fd);
}

void GuardedMultiplexer::run() {
  while (num_socket_handlers() > 0) {
    ERR_clear_error();
    poll_once(true);
  }
}

}  // namespace shoal::actors
