# Task graphs as Cap'n Proto. Ops travel by name: a reader resolves each
# name through its process's op registry.
@0xa4bbe589db891b5f;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("shoal::schema");

using import "value.capnp".Value;

struct Key {
  name @0 :Text;
  index @1 :List(Int64);  # at most 8 entries (shoal::Key::kMaxIndex)
}

struct Arg {
  union {
    literal @0 :Value;
    ref @1 :Key;
    list @2 :List(Arg);
  }
}

struct Param {
  name @0 :Text;
  value @1 :Value;
}

struct Task {
  key @0 :Key;
  op @1 :Text;              # empty = no op
  args @2 :List(Arg);
  params @3 :List(Param);   # absent = no parameters; sorted by name
  prelude @4 :List(Task);   # absent = none; tasks fused into this one
}

struct Graph {
  tasks @0 :List(Task);     # insertion order
}
