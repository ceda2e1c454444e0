#include "footer.h"

#include "bit_io.h"
#include "thrift_codec.h"

namespace shoal::parquet {

format::FileMetaData read_footer(const FileSource& file) {
  if (file.size() < 12) {
    throw FormatError("it is " + std::to_string(file.size()) +
                      " bytes long, too short for a Parquet file (at least 12)");
  }
  std::string tail = file.read(file.size() - 8, 8);
  if (tail.compare(4, 4, "PARE") == 0)
    throw FormatError("its footer is encrypted (PARE), which Shoal does not read");
  if (tail.compare(4, 4, "PAR1") != 0)
    throw FormatError("it does not end in PAR1, so it is not a Parquet file (or is truncated)");
  std::uint32_t len = load_le<std::uint32_t>(tail.data());
  if (len == 0 || len > file.size() - 12) {
    throw FormatError("its footer length (" + std::to_string(len) + ") does not fit in the file");
  }
  std::string bytes = file.read(file.size() - 8 - len, len);
  format::FileMetaData meta;
  deserialize(bytes, meta, "footer (FileMetaData)");
  if (meta.schema.empty()) throw FormatError("its footer has no schema");
  if (meta.num_rows < 0) throw FormatError("its footer says it has a negative number of rows");
  return meta;
}

std::string footer_bytes(const format::FileMetaData& meta) {
  std::string out = serialize(meta);
  put_u32le(static_cast<std::uint32_t>(out.size()), out);
  out += "PAR1";
  return out;
}

}  // namespace shoal::parquet
