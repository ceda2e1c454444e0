// Plan: a validated, culled graph in the dense form executors run.
//
// Executors should not hash keys on their hot path: a Plan numbers the tasks
// an output set needs 0..n-1 and stores dependencies, dependents, argument
// references and priorities as flat arrays. It points into the Graph it was
// built from, which must outlive it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "shoal/graph.h"

namespace shoal {

class Plan {
 public:
  using Id = std::uint32_t;

  /// Validates the part of `graph` that `outputs` need (GraphError on any
  /// problem), culls the rest and orders what is left.
  Plan(const Graph& graph, std::span<const Key> outputs);
  /// As above, checking the graph's ops against `registry` instead of the
  /// global one; with nullptr the ops are left to the caller to check (a
  /// LocalCluster whose workers have op sets of their own does that).
  Plan(const Graph& graph, std::span<const Key> outputs, const OpRegistry* registry);

  std::size_t size() const noexcept { return tasks_.size(); }
  const Task& task(Id id) const noexcept { return *tasks_[id]; }
  /// Distinct tasks that `id` needs.
  std::span<const Id> dependencies(Id id) const noexcept {
    return {dep_ids_.data() + dep_off_[id], dep_off_[id + 1] - dep_off_[id]};
  }
  /// Distinct tasks that need `id`.
  std::span<const Id> dependents(Id id) const noexcept {
    return {out_ids_.data() + out_off_[id], out_off_[id + 1] - out_off_[id]};
  }
  /// The task behind each external reference of `id`, in
  /// for_each_external_ref() order: what run_task() takes, resolved.
  std::span<const Id> refs(Id id) const noexcept {
    return {ref_ids_.data() + ref_off_[id], ref_off_[id + 1] - ref_off_[id]};
  }
  std::uint32_t priority(Id id) const noexcept { return priority_[id]; }
  /// One id per requested output, in request order (repeats allowed).
  std::span<const Id> outputs() const noexcept { return outputs_; }
  bool is_output(Id id) const noexcept { return is_output_[id] != 0; }
  /// Tasks without dependencies.
  const std::vector<Id>& roots() const noexcept { return roots_; }

 private:
  std::vector<const Task*> tasks_;
  std::vector<std::size_t> dep_off_, out_off_, ref_off_;
  std::vector<Id> dep_ids_, out_ids_, ref_ids_;
  std::vector<std::uint32_t> priority_;
  std::vector<Id> outputs_, roots_;
  std::vector<std::uint8_t> is_output_;
};

}  // namespace shoal
