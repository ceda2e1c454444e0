// Shoal::serialization in one include: Cap'n Proto codecs for values,
// graphs and wire messages, .shoal data files, DataFrames as .shoal files,
// and pipeline files. Includes no Cap'n Proto header.
#pragma once

#include "shoal/data_file.h"
#include "shoal/dataframe_files.h"
#include "shoal/decode_error.h"
#include "shoal/graph_codec.h"
#include "shoal/pipeline_file.h"
#include "shoal/value_codec.h"
#include "shoal/wire.h"
