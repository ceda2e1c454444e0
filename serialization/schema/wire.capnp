# The distributed runtime's messages between scheduler, workers and clients.
# CAF carries them between nodes; every payload is one of these, encoded as a
# single Cap'n Proto message (shoal/wire.h).
@0xbf3674fb0dffab44;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("shoal::schema");

using import "value.capnp".Value;
using import "graph.capnp".Key;
using import "graph.capnp".Task;
using import "graph.capnp".Graph;

# client -> scheduler: compute `outputs` of `graph`.
struct RunGraph {
  runId @0 :UInt64;
  graph @1 :Graph;
  outputs @2 :List(Key);
}

# An input of a task: where it can be fetched from, or its value inline.
struct InputLocation {
  key @0 :Key;
  worker @1 :Text;          # the worker holding it ("" = the receiving worker)
  taskId @2 :UInt32;        # the task that produced it, in the run's plan
  hasValue @3 :Bool;        # true: `value` is the input (small results travel inline)
  value @4 :Value;
  runId @5 :UInt64;         # the run that produced it; 0 = the task's own run
}

# scheduler -> worker: run this task.
struct AssignTask {
  runId @0 :UInt64;
  task @1 :Task;
  priority @2 :UInt32;      # lower runs first
  inputs @3 :List(InputLocation);
  taskId @4 :UInt32;        # the task's number in the run's plan
}

# worker -> scheduler: a task finished; small results travel inline.
struct TaskDone {
  runId @0 :UInt64;
  key @1 :Key;
  worker @2 :Text;
  nbytes @3 :UInt64;        # size of the result, held by the worker
  durationNs @4 :UInt64;
  hasValue @5 :Bool;        # false: the value stays on the worker
  value @6 :Value;
  taskId @7 :UInt32;
  startNs @8 :UInt64;       # the worker's clock, nanoseconds since the epoch
}

# worker -> scheduler: a task threw.
struct TaskFailed {
  runId @0 :UInt64;
  key @1 :Key;
  op @2 :Text;
  message @3 :Text;
  worker @4 :Text;
  taskId @5 :UInt32;
}

# worker -> scheduler: an input of a task could not be had from its holder.
struct InputMissing {
  runId @0 :UInt64;
  taskId @1 :UInt32;        # the task that needed it (not run)
  inputId @2 :UInt32;       # the input's task
  holder @3 :Text;          # the worker that should have held it
  message @4 :Text;
  inputRunId @5 :UInt64;    # the input's run, when another (a future's)
}

# scheduler -> worker: drop these results of a run.
struct Release {
  runId @0 :UInt64;
  taskIds @1 :List(UInt32);
}

# scheduler -> client: a run ended. Outputs held by workers are fetched from
# them (`worker` names the holder); small ones travel inline.
struct RunResult {
  runId @0 :UInt64;
  ok @1 :Bool;
  errorKey @2 :Text;        # when not ok: the failed task, its op and message
  errorOp @3 :Text;
  errorMessage @4 :Text;
  outputs @5 :List(InputLocation);
  kind @6 :UInt8;           # when not ok: 0 task error, 1 graph error, 2 cancelled, 3 other
}

# anyone -> worker: send me these values.
struct FetchRequest {
  requestId @0 :UInt64;
  keys @1 :List(Key);
  runId @2 :UInt64;
  taskIds @3 :List(UInt32); # parallel to keys
}

struct KeyValue {
  key @0 :Key;
  value @1 :Value;
  taskId @2 :UInt32;
}

struct FetchReply {
  requestId @0 :UInt64;
  values @1 :List(KeyValue);
  missing @2 :List(Key);    # keys the worker does not hold
  runId @3 :UInt64;
}

# worker -> scheduler, every heartbeat interval.
struct Heartbeat {
  worker @0 :Text;
  running @1 :UInt32;       # tasks running now
  queued @2 :UInt32;        # tasks waiting for a thread
  memoryBytes @3 :UInt64;   # bytes of results held in memory
  memoryLimit @4 :UInt64;   # 0 = none
  spilledBytes @5 :UInt64;
  sentAtNs @6 :UInt64;      # the worker's clock, nanoseconds since the epoch
}

# worker -> scheduler, once when it connects (and again after a reconnect).
struct RegisterWorker {
  name @0 :Text;
  host @1 :Text;
  port @2 :UInt16;
  threads @3 :UInt32;
  memoryLimit @4 :UInt64;
  ops @5 :List(Text);       # every op registered on the worker, sorted
}

struct WireMessage {
  union {
    runGraph @0 :RunGraph;
    assignTask @1 :AssignTask;
    taskDone @2 :TaskDone;
    taskFailed @3 :TaskFailed;
    fetchRequest @4 :FetchRequest;
    fetchReply @5 :FetchReply;
    heartbeat @6 :Heartbeat;
    registerWorker @7 :RegisterWorker;
    inputMissing @8 :InputMissing;
    release @9 :Release;
    runResult @10 :RunResult;
  }
}
