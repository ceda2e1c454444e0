// Shoal's core in one include: every public header of Shoal::core — the
// model (Value, Table, Tensor, Key, Task, Op), graphs and executors, the
// table kernels, and the collections (Delayed, DataFrame with read_csv,
// Array, Bag) and pipelines. The runtime on actors is shoal/actors.h; files
// and wire encodings are shoal/serialization.h; drawing is shoal/visualize.h.
#pragma once

#include "shoal/aggregation.h"
#include "shoal/array.h"
#include "shoal/atomic_file.h"
#include "shoal/bag.h"
#include "shoal/column.h"
#include "shoal/column_builder.h"
#include "shoal/csv.h"
#include "shoal/csv_format.h"
#include "shoal/dataframe.h"
#include "shoal/delayed.h"
#include "shoal/error.h"
#include "shoal/executor.h"
#include "shoal/expr.h"
#include "shoal/graph.h"
#include "shoal/inline_executor.h"
#include "shoal/join.h"
#include "shoal/key.h"
#include "shoal/observer.h"
#include "shoal/op.h"
#include "shoal/params.h"
#include "shoal/pipeline.h"
#include "shoal/plan.h"
#include "shoal/plugin_abi.h"
#include "shoal/plugin_loader.h"
#include "shoal/progress_bar.h"
#include "shoal/schema.h"
#include "shoal/table.h"
#include "shoal/table_kernels.h"
#include "shoal/task.h"
#include "shoal/tensor.h"
#include "shoal/value.h"
#include "shoal/value_traits.h"
