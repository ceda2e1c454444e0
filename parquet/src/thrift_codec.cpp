#include "thrift_codec.h"

#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <memory>

#include "bit_io.h"

namespace shoal::parquet {
namespace {

using apache::thrift::TException;
using apache::thrift::protocol::TCompactProtocolT;
using apache::thrift::transport::TMemoryBuffer;

template <class T>
std::size_t read_struct(std::string_view bytes, T& out, const char* what) {
  if (bytes.empty()) throw FormatError(std::string("the ") + what + " is missing (no bytes left)");
  try {
    auto config = std::make_shared<apache::thrift::TConfiguration>(
        static_cast<int>(std::min<std::size_t>(bytes.size() + 1, INT32_MAX)));
    auto buf = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<std::uint8_t*>(const_cast<char*>(bytes.data())),
        static_cast<std::uint32_t>(bytes.size()), TMemoryBuffer::OBSERVE, config);
    TCompactProtocolT<TMemoryBuffer> proto(buf, kMaxThriftString, kMaxThriftContainer);
    out.read(&proto);
    return bytes.size() - buf->available_read();
  } catch (const TException& e) {
    throw FormatError(std::string("the ") + what + " is malformed (" + e.what() + ")");
  } catch (const std::bad_alloc&) {
    throw FormatError(std::string("the ") + what + " asks for more memory than there is");
  }
}

template <class T>
std::string write_struct(const T& v) {
  auto buf = std::make_shared<TMemoryBuffer>();
  TCompactProtocolT<TMemoryBuffer> proto(buf);
  v.write(&proto);
  return buf->getBufferAsString();
}

}  // namespace

std::size_t deserialize(std::string_view bytes, format::FileMetaData& out, const char* what) {
  return read_struct(bytes, out, what);
}
std::size_t deserialize(std::string_view bytes, format::PageHeader& out, const char* what) {
  return read_struct(bytes, out, what);
}
std::string serialize(const format::FileMetaData& v) {
  return write_struct(v);
}
std::string serialize(const format::PageHeader& v) {
  return write_struct(v);
}

}  // namespace shoal::parquet
