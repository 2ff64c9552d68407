// Human views of a loaded topology: a text description (sub-topologies,
// tasks, stores, internal topics, message types along every edge) and the
// stage graph as Graphviz DOT or Mermaid. Pure functions of the topology;
// nothing here touches Kafka or the file system.
#ifndef NETSTREAMS_SRC_TOPOLOGY_RENDER_H_
#define NETSTREAMS_SRC_TOPOLOGY_RENDER_H_

#include <string>

#include "src/topology/loaded_topology.h"

namespace netstreams {

std::string DescribeTopology(const LoadedTopology& topology);

// The graph: topics as cylinders, stages as boxes (name and kind), stores
// beside their stage, edges labelled with the message type they carry.
std::string RenderDot(const LoadedTopology& topology);
std::string RenderMermaid(const LoadedTopology& topology);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TOPOLOGY_RENDER_H_
