#include "distributed/tls_check.h"

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <iterator>
#include <memory>

#include "shoal/error.h"

namespace shoal::actors {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

void free_chain(STACK_OF(X509) * s) {
  sk_X509_pop_free(s, X509_free);
}
using Chain = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_chain>>;

// What OpenSSL's error queue says, emptied; "" when nothing.
std::string openssl_error() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out;
}

// Never asks: an encrypted key is refused instead of prompting.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

struct Checker {
  const std::string& who;

  [[noreturn]] void fail(const std::string& flag, const std::string& file,
                         const std::string& what) const {
    std::string detail = openssl_error();
    throw Error(who + ": " + flag + " " + file + ": " + what +
                (detail.empty() ? "" : " (" + detail + ")"));
  }

  // The file's text; throws when it cannot be read.
  std::string read(const std::string& flag, const std::string& file) const {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(flag, file, "cannot be read; check the path and its permissions");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  Bio open(const std::string& flag, const std::string& file) const {
    read(flag, file);
    Bio bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) fail(flag, file, "cannot be opened");
    return bio;
  }
};

void require_all(const TlsOptions& tls, const std::string& who) {
  std::string missing;
  if (tls.ca_file.empty()) missing += " --tls-ca";
  if (tls.cert_file.empty()) missing += " --tls-cert";
  if (tls.key_file.empty()) missing += " --tls-key";
  if (!missing.empty()) {
    throw Error(who + ": TLS needs --tls-ca, --tls-cert and --tls-key together; missing" + missing +
                " (`shoal certs DIR` makes all three)");
  }
}

}  // namespace

void check_tls_files(const TlsOptions& tls, const std::string& who) {
  require_all(tls, who);
  ERR_clear_error();
  Checker c{who};
  Bio cert_bio = c.open("--tls-cert", tls.cert_file);
  Cert cert(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
  if (!cert) c.fail("--tls-cert", tls.cert_file, "holds no PEM certificate");
  Chain chain(sk_X509_new_null());  // intermediates after the node's own certificate
  while (X509* more = PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr)) {
    sk_X509_push(chain.get(), more);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (c.read("--tls-key", tls.key_file).find("ENCRYPTED") != std::string::npos) {
    c.fail("--tls-key", tls.key_file,
           "is encrypted; Shoal takes no passphrase: write it decrypted (`openssl pkey -in KEY "
           "-out PLAIN`), readable by this user only");
  }
  Bio key_bio = c.open("--tls-key", tls.key_file);
  Key key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) c.fail("--tls-key", tls.key_file, "holds no PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    c.fail("--tls-key", tls.key_file, "is not the key of --tls-cert " + tls.cert_file);
  }
  c.read("--tls-ca", tls.ca_file);
  Store store(X509_STORE_new());
  if (X509_STORE_load_locations(store.get(), tls.ca_file.c_str(), nullptr) != 1) {
    c.fail("--tls-ca", tls.ca_file, "holds no PEM certificate");
  }
  StoreCtx ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), chain.get()) != 1) {
    c.fail("--tls-ca", tls.ca_file, "cannot be used to verify certificates");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const char* why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    c.fail("--tls-cert", tls.cert_file,
           std::string("does not verify against --tls-ca ") + tls.ca_file + ": " + why +
               "; every node needs a certificate of the same CA (`shoal certs`)");
  }
}

void quiet_unexpected_eof() {
  // The system's configuration first (loaded once; CAF would load it later
  // and replace ours), then ours on top of it.
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr);
  static const char kConf[] =
      "shoal_conf = shoal_init\n[shoal_init]\nssl_conf = shoal_ssl\n"
      "[shoal_ssl]\nsystem_default = shoal_default\n"
      "[shoal_default]\nOptions = IgnoreUnexpectedEOF\n";
  Bio bio(BIO_new_mem_buf(kConf, sizeof kConf - 1));
  CONF* conf = NCONF_new(nullptr);
  long line = 0;
  if (bio && conf && NCONF_load_bio(conf, bio.get(), &line) == 1) {
    CONF_modules_load(conf, "shoal_conf", 0);
  }
  NCONF_free(conf);
  ERR_clear_error();  // a failure leaves OpenSSL's defaults, and no stale error
}

}  // namespace shoal::actors
