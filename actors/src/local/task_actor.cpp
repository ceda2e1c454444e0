// A task actor: gathers a task's inputs, runs its op, and reports. It lives
// for one task.
//
// Inputs come straight from the run's result table: in one process every
// result, inline or owned by a partition actor, is a shared pointer that the
// supervisor set before dispatching this task and will not clear until this
// task reports. A result of at least `inline_limit` bytes is handed to a new
// partition actor, which owns it until the supervisor releases it. An input
// the supervisor spilled is read back from its file here, on the worker's
// thread, and dropped when the task ends.
#include <array>

#include "local/messages.h"

namespace shoal::actors {
namespace {

Value run_with_inputs(const RunState& run, Plan::Id id, OpContext& ctx) {
  auto refs = run.plan.refs(id);
  if (refs.size() <= 8) {  // the common case, without a heap allocation
    std::array<Value, 8> inputs;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (run.is_spilled(refs[i])) {
        inputs[i] = run.read_spilled(refs[i]);
      } else {
        inputs[i] = run.results[refs[i]];
      }
    }
    return run_task(run.plan.task(id), std::span<const Value>(inputs.data(), refs.size()), ctx);
  }
  std::vector<Value> inputs;
  inputs.reserve(refs.size());
  for (Plan::Id r : refs) inputs.push_back(run.input(r));
  return run_task(run.plan.task(id), inputs, ctx);
}

}  // namespace

void task_actor(caf::event_based_actor* self, RunPtr run, Plan::Id id,
                std::shared_ptr<const WorkerConfig> config) {
  OpContext ctx;
  ctx.worker = config->name;
  ctx.states = config->states.get();
  ctx.registry = config->registry.get();
  auto start = Clock::now();
  try {
    Value value = run_with_inputs(*run, id, ctx);
    TaskDone done{id, std::move(value), caf::actor(), start, Clock::now()};
    if (done.value.nbytes() >= config->inline_limit) {
      done.partition = self->spawn(partition_actor, done.value, config->counters);
    }
    self->send(config->supervisor, done_atom::value, std::move(run), std::move(done));
  } catch (const std::exception& e) {
    TaskFailed failed{id, e.what(), start, Clock::now()};
    self->send(config->supervisor, failed_atom::value, std::move(run), std::move(failed));
  } catch (...) {
    TaskFailed failed{id, "unknown exception (not derived from std::exception)", start,
                      Clock::now()};
    self->send(config->supervisor, failed_atom::value, std::move(run), std::move(failed));
  }
  // No behavior is set: the actor terminates once this function returns.
}

}  // namespace shoal::actors
