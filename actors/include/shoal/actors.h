// Shoal::actors in one include: the LocalCluster (the embedded default
// executor), the Client and its futures, and the SchedulerNode and
// WorkerNode of a cluster of processes. Includes no CAF header.
#pragma once

#include "shoal/client.h"
#include "shoal/future.h"
#include "shoal/local_cluster.h"
#include "shoal/scheduler_node.h"
#include "shoal/tls.h"
#include "shoal/worker_node.h"
