// Internal: what the distributed runtime's actors (scheduler, worker,
// client) share — the atoms of their protocol, the actor system's
// configuration for a node, addresses and log lines. Includes CAF: for
// actors/src only.
//
// The protocol. Every payload that carries Shoal data is a WireEnvelope or
// WireBatch (Cap'n Proto inside, see wire_value.h); the rest are CAF's
// built-in types.
//   worker -> scheduler  (register_atom, worker actor, WireEnvelope{RegisterWorker})
//   scheduler -> worker  (peers_atom, names, addresses)      every worker's fetch address
//   scheduler -> worker  (batch_atom, WireBatch{AssignTask | Release})
//   worker -> scheduler  (batch_atom, WireBatch{TaskDone | TaskFailed | InputMissing | Heartbeat})
//   scheduler -> worker  (steal_atom, run, task ids) -> worker replies (stolen_atom, run, ids it
//   gave up) scheduler -> worker  (removed_atom)                      you were removed: drop
//   everything, register anew anyone -> worker     (fetch_atom, WireEnvelope{FetchRequest}) ->
//   WireEnvelope{FetchReply} client -> scheduler  (rrun_atom, client run id, encoded RunGraph, want
//   events, keep outputs,
//                         retries, priority)
//   scheduler -> client  (events_atom, client run id, lines) and
//                        (result_atom, client run id, WireEnvelope{RunResult})
//   client -> scheduler  (rcancel_atom, client run id) and (release_atom, client run id) once
//                        fetched (at once for Client::run, when the last Future goes for futures)
//   anyone -> scheduler  (status_atom) -> lines (see Client::status)
//   anyone -> scheduler  (subscribe_atom): from then on (events_atom, 0, lines), each line
//                        "task-started|task-finished|task-erred\trun\tkey\top\tworker[\tdetail]"
//                        or "worker-joined\tname\taddress\tthreads" or "worker-lost\tname\treason"
#pragma once

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

namespace shoal::actors {

using SteadyClock = std::chrono::steady_clock;

using register_atom = caf::atom_constant<caf::atom("register")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using batch_atom = caf::atom_constant<caf::atom("batch")>;
using steal_atom = caf::atom_constant<caf::atom("steal")>;
using stolen_atom = caf::atom_constant<caf::atom("stolen")>;
using removed_atom = caf::atom_constant<caf::atom("removed")>;
using rfetch_atom = caf::atom_constant<caf::atom("rfetch")>;
using rrun_atom = caf::atom_constant<caf::atom("rrun")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
using result_atom = caf::atom_constant<caf::atom("result")>;
using rcancel_atom = caf::atom_constant<caf::atom("rcancel")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using ran_atom = caf::atom_constant<caf::atom("ran")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;

/// Sets up `cfg` for a node of a distributed cluster: the io middleman,
/// Shoal's wire types, CAF's own heartbeat and connection timeout (both off
/// by default in CAF 0.17, so that a frozen peer would never be noticed),
/// `threads` scheduler threads and the sharing policy.
void configure_node(caf::actor_system_config& cfg, std::size_t threads,
                    std::chrono::milliseconds heartbeat_interval);

/// "host:port" split; throws shoal::Error naming `what` and the text when it
/// is not of that form.
std::pair<std::string, std::uint16_t> parse_address(const std::string& address,
                                                    const std::string& what);

/// "[HH:MM:SS.mmm] text", the form of every log line.
std::string stamped(const std::string& text);

/// The log sink a node uses: `sink` when set, else standard error.
std::function<void(const std::string&)> log_sink(std::function<void(const std::string&)> sink);

/// Nanoseconds since the epoch on this machine's clock.
std::uint64_t now_ns();

}  // namespace shoal::actors
