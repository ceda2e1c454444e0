// Internal: Values, Tables and Tensors to and from their schema builders and
// readers (value.capnp), for the codecs of this layer.
#pragma once

#include <cstddef>

#include "shoal/table.h"
#include "shoal/tensor.h"
#include "shoal/value.h"
#include "value.capnp.h"

namespace shoal::detail {

void write_value(schema::Value::Builder out, const Value& value);
void write_table(schema::Table::Builder out, const Table& table);
void write_tensor(schema::Tensor::Builder out, const Tensor& tensor);

/// depth = lists around this value; lists deeper than max_nesting are refused.
Value read_value(schema::Value::Reader in, int depth, int max_nesting);
Table read_table(schema::Table::Reader in);
Tensor read_tensor(schema::Tensor::Reader in);

/// About the bytes the encoding of value takes, to size the first segment.
std::size_t estimate_bytes(const Value& value);
std::size_t estimate_bytes(const Table& table);

}  // namespace shoal::detail
