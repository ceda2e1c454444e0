# Pipelines as Cap'n Proto, written as JSON through Cap'n Proto's JSON codec
# (`*.shoal.json`): the files the studio saves and `shoal run` runs. Fields
# are written in the order below and nodes and edges in the pipeline's order,
# so that editing one node changes a few lines of the file.
@0xb86d49bb77d07a90;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("shoal::schema");

using Json = import "/capnp/compat/json.capnp";

struct PipelineFile {  # "Pipeline" would clash with the generated RPC Pipeline class
  format @0 :UInt32;        # shoal::kPipelineFormatVersion of the writer
  name @1 :Text;
  description @2 :Text;     # absent = none
  nodes @3 :List(Node);
  edges @4 :List(Edge);
}

struct Node {
  id @0 :Text;
  op @1 :Text;
  label @2 :Text;           # absent = none (the id is shown)
  x @3 :Float64;            # position on the canvas
  y @4 :Float64;
  params @5 :Json.Value;    # a JSON object: parameter name -> value, sorted by name
}

struct Edge {
  from @0 :Text;            # node id
  fromPort @1 :Text;        # output port of that node
  to @2 :Text;              # node id
  toPort @3 :Text;          # input port of that node
}
