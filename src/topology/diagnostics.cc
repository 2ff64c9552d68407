#include "src/topology/diagnostics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace netstreams {

void SourceMap::Set(std::string path, SourceLocation location) {
  locations_[std::move(path)] = location;
}

SourceLocation SourceMap::Find(absl::string_view path) const {
  while (true) {
    auto it = locations_.find(path);
    if (it != locations_.end()) return it->second;
    if (path.empty()) return {};
    // Strip the last component: ".name" or "[index]" / ["key"].
    size_t cut = path.find_last_of(".[");
    if (cut == absl::string_view::npos) {
      path = "";
    } else {
      path = path.substr(0, cut);
    }
  }
}

void Diagnostics::Error(absl::string_view path, absl::string_view message) {
  ErrorAt(map_ != nullptr ? map_->Find(path) : SourceLocation{}, path, message);
}

void Diagnostics::ErrorAt(SourceLocation location, absl::string_view path,
                          absl::string_view message) {
  errors_.push_back({location, std::string(path), std::string(message)});
}

std::string Diagnostics::ToString() const {
  std::vector<const Diagnostic*> sorted;
  for (const auto& d : errors_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Diagnostic* a, const Diagnostic* b) {
                     if (a->location.line != b->location.line) {
                       return a->location.line < b->location.line;
                     }
                     return a->location.column < b->location.column;
                   });
  std::string out;
  for (const Diagnostic* d : sorted) {
    absl::StrAppend(&out, file_);
    if (d->location.line > 0) {
      absl::StrAppend(&out, ":", d->location.line, ":", d->location.column);
    }
    absl::StrAppend(&out, ": ");
    if (!d->path.empty()) absl::StrAppend(&out, d->path, ": ");
    absl::StrAppend(&out, d->message, "\n");
  }
  return out;
}

namespace {

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string DidYouMean(absl::string_view word,
                       const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (best == nullptr || d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  if (best == nullptr) return "";
  size_t limit = std::max<size_t>(2, (word.size() + 2) / 3);
  if (best_distance > limit) return "";
  return absl::StrCat(" (did you mean '", *best, "'?)");
}

}  // namespace netstreams
