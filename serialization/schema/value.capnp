# Values, tables and tensors as Cap'n Proto: the one encoding of data that
# leaves a Shoal process (wire messages, spilled partitions, .shoal files).
#
# Every numeric column and tensor is one contiguous little-endian `Data`
# blob, so encoding and decoding are a memcpy each; validity is a bitmap in
# the manner of Apache Arrow (bit i set = row i valid; empty = no nulls).
# Readers validate contents (offsets, bitmap sizes, shapes, tags), not just
# framing: see serialization/src/value_codec.cpp.
@0xb0383d5eba8ca0fd;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("shoal::schema");

struct Value {
  union {
    none @0 :Void;
    boolean @1 :Bool;
    int64 @2 :Int64;
    float64 @3 :Float64;
    text @4 :Text;        # a string; any bytes, NUL included
    bytes @5 :Data;
    list @6 :List(Value);
    table @7 :Table;
    tensor @8 :Tensor;
    record @9 :List(Field);  # named fields in order (a JSON object); names unique
  }
}

struct Field {
  name @0 :Text;
  value @1 :Value;
}

enum DataType {
  bool @0;
  int64 @1;
  float64 @2;
  string @3;
  timestamp @4;         # int64 nanoseconds since the epoch
}

struct Column {
  name @0 :Text;
  type @1 :DataType;
  length @2 :UInt64;    # rows
  validity @3 :Data;    # empty, or (length + 7) / 8 bytes
  values @4 :Data;      # bool: one byte (0/1) a row; int64, timestamp, float64: 8 bytes LE a row
  offsets @5 :Data;     # string: length + 1 little-endian int64, from 0 to the size of chars
  chars @6 :Data;       # string: the characters of every row, back to back
}

struct Table {
  numRows @0 :UInt64;
  columns @1 :List(Column);
}

enum DType {
  float64 @0;
  float32 @1;
  int64 @2;
  bool @3;
}

struct Tensor {
  dtype @0 :DType;
  shape @1 :List(Int64);  # row-major; empty = 0-d (one element)
  data @2 :Data;          # product(shape) elements, little-endian
}
