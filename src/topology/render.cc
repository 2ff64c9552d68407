#include "src/topology/render.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace netstreams {
namespace {

// "cgnat.v1.NatEvent" -> "NatEvent"; "bytes" stays.
absl::string_view ShortType(absl::string_view type) {
  size_t dot = type.rfind('.');
  return dot == absl::string_view::npos ? type : type.substr(dot + 1);
}

std::string InputNames(const LoadedTopology& t, const StageNode& s) {
  std::vector<std::string> names;
  for (int i : s.inputs) names.push_back(t.stages[i].name);
  return absl::StrJoin(names, ", ");
}

std::string RepartitionKey(const StageNode& s) {
  if (s.factory == nullptr || s.config == nullptr) return "";
  auto r = s.factory->Repartition(*s.config);
  if (!r.has_value()) return "";
  return absl::StrJoin(r->key_by, ", ");
}

// Every topic a stage reads or writes, the repartition topic included.
std::vector<std::string> Writes(const StageNode& s) {
  std::vector<std::string> out = s.topics.writes;
  if (!s.repartition_topic.empty() &&
      std::find(out.begin(), out.end(), s.repartition_topic) == out.end()) {
    out.push_back(s.repartition_topic);
  }
  return out;
}

// Graph node ids: letters, digits and '_' only.
std::string Id(absl::string_view prefix, absl::string_view name) {
  std::string id(prefix);
  for (char c : name) {
    id.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return id;
}

std::string DotQuote(absl::string_view text) {
  return absl::StrCat(
      "\"", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
}

std::string MermaidText(absl::string_view text) {
  // Mermaid labels are quoted; '"' has no escape, use the HTML entity.
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "#quot;"}}),
                      "\"");
}

// The graph as a list of nodes and labelled edges, shared by both formats.
struct Graph {
  struct Node {
    std::string id;
    std::string label;
    enum Kind { kTopic, kInternalTopic, kStage, kStore } kind;
    int subtopology = -1;  // stages
  };
  struct Edge {
    std::string from, to, label;
    bool dashed = false;
  };
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};

Graph BuildGraph(const LoadedTopology& t) {
  Graph g;
  std::set<std::string> topics;
  auto topic_node = [&](const std::string& name) {
    std::string id = Id("t_", name);
    if (topics.insert(name).second) {
      const TopicInfo* info = t.FindTopic(name);
      std::string label = name;
      if (info != nullptr) {
        absl::StrAppend(&label, "\n", info->partitions, " partitions, ",
                        ShortType(info->type));
      }
      g.nodes.push_back({id, label,
                         info != nullptr && info->internal
                             ? Graph::Node::kInternalTopic
                             : Graph::Node::kTopic});
    }
    return id;
  };
  for (const StageNode& s : t.stages) {
    std::string id = Id("s_", s.name);
    std::string label = absl::StrCat(s.name, "\n", s.kind);
    std::string key = RepartitionKey(s);
    if (!key.empty()) absl::StrAppend(&label, " by [", key, "]");
    g.nodes.push_back({id, label, Graph::Node::kStage, s.subtopology});
    for (const std::string& topic : s.topics.reads) {
      g.edges.push_back(
          {topic_node(topic), id,
           std::string(
               ShortType(t.FindTopic(topic) ? t.FindTopic(topic)->type : ""))});
    }
    for (int in : s.inputs) {
      g.edges.push_back({Id("s_", t.stages[in].name), id,
                         std::string(ShortType(t.stages[in].output_type))});
    }
    for (const std::string& topic : Writes(s)) {
      std::string type =
          s.inputs.empty() ? "" : t.stages[s.inputs[0]].output_type;
      g.edges.push_back({id, topic_node(topic), std::string(ShortType(type))});
    }
  }
  for (const StoreInfo& store : t.stores) {
    std::string id = Id("st_", store.name);
    std::string label = absl::StrCat("store ", store.name);
    if (store.logged) absl::StrAppend(&label, "\n(RocksDB, change-logged)");
    g.nodes.push_back({id, label, Graph::Node::kStore});
    g.edges.push_back({Id("s_", t.stages[store.stage].name), id, "", true});
    if (store.logged) {
      g.edges.push_back({id, topic_node(store.changelog_topic), "", true});
    }
  }
  return g;
}

}  // namespace

std::string DescribeTopology(const LoadedTopology& t) {
  std::string out =
      absl::StrCat("topology ", t.file, "\napplication ", t.application_id,
                   " (consumer group ", t.application_id, ")\n");
  absl::StrAppendFormat(
      &out,
      "processing: %d stream threads, commit every %s, state in %s/%s, "
      "state memory %d MiB\n",
      t.processing.threads, absl::FormatDuration(t.processing.commit_interval),
      t.processing.state_dir, t.application_id, t.processing.state_memory_mb);
  for (const Subtopology& sub : t.subtopologies) {
    absl::StrAppendFormat(&out,
                          "\nsub-topology %d: %d tasks (one per partition of "
                          "%s)\n",
                          sub.id, sub.partitions,
                          absl::StrJoin(sub.source_topics, ", "));
    for (int i : sub.stages) {
      const StageNode& s = t.stages[i];
      std::string line = absl::StrFormat("  %-20s %-20s", s.name, s.kind);
      if (!s.topics.reads.empty()) {
        absl::StrAppend(&line, " <- ", absl::StrJoin(s.topics.reads, ", "));
      }
      if (!s.inputs.empty()) {
        absl::StrAppend(&line, " from [", InputNames(t, s), "]");
      }
      std::string key = RepartitionKey(s);
      if (!key.empty()) absl::StrAppend(&line, " by [", key, "]");
      std::vector<std::string> writes = Writes(s);
      if (!writes.empty()) {
        absl::StrAppend(&line, " -> ", absl::StrJoin(writes, ", "));
      }
      if (!s.output_type.empty()) {
        absl::StrAppend(&line, " : emits ", s.output_type);
      }
      for (const StoreInfo* store : t.StoresOf(i)) {
        absl::StrAppend(&line, " ; store ", store->name);
      }
      if (s.synthesized) absl::StrAppend(&line, "   (added by the loader)");
      absl::StrAppend(&out, line, "\n");
    }
  }
  absl::StrAppend(&out, "\nedges (message type carried):\n");
  for (const StageNode& s : t.stages) {
    for (int in : s.inputs) {
      absl::StrAppendFormat(&out, "  %s -> %s : %s\n", t.stages[in].name,
                            s.name, t.stages[in].output_type);
    }
  }
  absl::StrAppend(&out, "\nstores:\n");
  if (t.stores.empty()) absl::StrAppend(&out, "  (none)\n");
  for (const StoreInfo& store : t.stores) {
    int tasks = 0;
    for (const Subtopology& sub : t.subtopologies) {
      if (sub.id == store.subtopology) tasks = sub.partitions;
    }
    absl::StrAppendFormat(
        &out,
        "  %s: stage %s, sub-topology %d, %d instances (one per task)%s\n",
        store.name, t.stages[store.stage].name, store.subtopology, tasks,
        store.logged ? absl::StrCat(", changelog ", store.changelog_topic)
                     : std::string(", not logged"));
  }
  absl::StrAppend(&out, "\ntopics:\n");
  for (const TopicInfo& topic : t.topics) {
    absl::StrAppendFormat(
        &out, "  %-45s %3d partitions  %-28s %s\n", topic.name,
        topic.partitions, topic.type,
        topic.internal ? (topic.compacted ? "internal, changelog (compacted)"
                                          : "internal, repartition")
        : topic.name == t.dead_letter_topic ? "dead letters"
                                            : "declared");
  }
  return out;
}

std::string RenderDot(const LoadedTopology& t) {
  Graph g = BuildGraph(t);
  std::string out = absl::StrCat("digraph ", DotQuote(t.application_id),
                                 " {\n  rankdir=LR;\n  node [fontname="
                                 "\"Helvetica\", fontsize=11];\n  edge "
                                 "[fontname=\"Helvetica\", fontsize=9];\n");
  std::set<int> subs;
  for (const auto& n : g.nodes) {
    if (n.kind == Graph::Node::kStage) subs.insert(n.subtopology);
  }
  auto attrs = [](const Graph::Node& n) -> std::string {
    switch (n.kind) {
      case Graph::Node::kTopic:
        return "shape=cylinder, style=filled, fillcolor=\"#dbe9f6\"";
      case Graph::Node::kInternalTopic:
        return "shape=cylinder, style=\"filled,dashed\", "
               "fillcolor=\"#eeeeee\"";
      case Graph::Node::kStore:
        return "shape=folder, style=filled, fillcolor=\"#fdf0c8\"";
      case Graph::Node::kStage:
        return "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"";
    }
    return "";
  };
  for (int sub : subs) {
    absl::StrAppendFormat(&out,
                          "  subgraph cluster_%d {\n    label=\"sub-topology "
                          "%d\";\n    style=dashed;\n",
                          sub, sub);
    for (const auto& n : g.nodes) {
      if (n.kind == Graph::Node::kStage && n.subtopology == sub) {
        absl::StrAppend(&out, "    ", n.id, " [label=", DotQuote(n.label), ", ",
                        attrs(n), "];\n");
      }
    }
    absl::StrAppend(&out, "  }\n");
  }
  for (const auto& n : g.nodes) {
    if (n.kind == Graph::Node::kStage) continue;
    absl::StrAppend(&out, "  ", n.id, " [label=", DotQuote(n.label), ", ",
                    attrs(n), "];\n");
  }
  for (const auto& e : g.edges) {
    absl::StrAppend(&out, "  ", e.from, " -> ", e.to);
    std::vector<std::string> a;
    if (!e.label.empty())
      a.push_back(absl::StrCat("label=", DotQuote(e.label)));
    if (e.dashed) a.push_back("style=dashed, arrowhead=none");
    if (!a.empty()) absl::StrAppend(&out, " [", absl::StrJoin(a, ", "), "]");
    absl::StrAppend(&out, ";\n");
  }
  absl::StrAppend(&out, "}\n");
  return out;
}

std::string RenderMermaid(const LoadedTopology& t) {
  Graph g = BuildGraph(t);
  std::string out = "flowchart LR\n";
  auto label = [](const std::string& text) {
    return MermaidText(absl::StrReplaceAll(text, {{"\n", "<br/>"}}));
  };
  std::set<int> subs;
  for (const auto& n : g.nodes) {
    if (n.kind == Graph::Node::kStage) subs.insert(n.subtopology);
  }
  for (int sub : subs) {
    absl::StrAppendFormat(&out, "  subgraph sub%d [\"sub-topology %d\"]\n", sub,
                          sub);
    for (const auto& n : g.nodes) {
      if (n.kind == Graph::Node::kStage && n.subtopology == sub) {
        absl::StrAppend(&out, "    ", n.id, "(", label(n.label), ")\n");
      }
    }
    absl::StrAppend(&out, "  end\n");
  }
  for (const auto& n : g.nodes) {
    switch (n.kind) {
      case Graph::Node::kStage:
        break;
      case Graph::Node::kTopic:
      case Graph::Node::kInternalTopic:
        absl::StrAppend(&out, "  ", n.id, "[(", label(n.label), ")]\n");
        break;
      case Graph::Node::kStore:
        absl::StrAppend(&out, "  ", n.id, "[/", label(n.label), "/]\n");
        break;
    }
  }
  for (const auto& e : g.edges) {
    if (e.dashed) {
      absl::StrAppend(&out, "  ", e.from, " -.- ", e.to, "\n");
    } else if (e.label.empty()) {
      absl::StrAppend(&out, "  ", e.from, " --> ", e.to, "\n");
    } else {
      absl::StrAppend(&out, "  ", e.from, " -->|", label(e.label), "| ", e.to,
                      "\n");
    }
  }
  return out;
}

}  // namespace netstreams
